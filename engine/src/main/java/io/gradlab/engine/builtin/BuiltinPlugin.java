package io.gradlab.engine.builtin;

import static io.gradlab.api.ParameterSpec.bool;
import static io.gradlab.api.ParameterSpec.component;
import static io.gradlab.api.ParameterSpec.integer;
import static io.gradlab.api.ParameterSpec.intList;
import static io.gradlab.api.ParameterSpec.real;

import io.gradlab.api.ApiVersion;
import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabPlugin;
import io.gradlab.api.data.DataSplits;
import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.train.Optimizer;
import io.gradlab.api.train.TrainingStrategy;
import io.gradlab.engine.data.DataFactories;
import io.gradlab.engine.nn.Dense;
import io.gradlab.engine.nn.MeanSquaredError;
import io.gradlab.engine.nn.SoftmaxCrossEntropy;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's baseline components, registered through {@code META-INF/services} exactly like any
 * plugin: one discovery path.
 */
public final class BuiltinPlugin implements GradlabPlugin {

    @Override
    public String apiVersion() {
        return ApiVersion.CURRENT;
    }

    @Override
    public String name() {
        return "gradlab-engine";
    }

    @Override
    public List<ComponentFactory<?>> components() {
        List<ComponentFactory<?>> all = new ArrayList<>();
        all.addAll(activations());
        all.addAll(initializers());
        all.addAll(optimizers());
        all.addAll(losses());
        all.addAll(architectures());
        all.addAll(layers());
        all.addAll(diagnostics());
        all.addAll(trainingStrategies());
        all.addAll(datasets());
        all.addAll(Schedules.factories());
        all.addAll(Callbacks.factories());
        return List.copyOf(all);
    }

    private static List<ComponentFactory<Activation>> activations() {
        return List.of(
                ComponentFactory.of(ComponentKind.ACTIVATION, "sigmoid", "logistic 1/(1+e^-x); derivative at most 0.25, saturates for large |x|",
                        List.of(), p -> new Sigmoid()),
                ComponentFactory.of(ComponentKind.ACTIVATION, "tanh", "hyperbolic tangent; derivative at most 1, saturates for large |x|",
                        List.of(), p -> new Tanh()),
                ComponentFactory.of(ComponentKind.ACTIVATION, "identity", "f(x) = x (a linear layer)", List.of(), p -> new Identity()));
    }

    private static List<ComponentFactory<Initializer>> initializers() {
        return List.of(
                ComponentFactory.of(ComponentKind.INITIALIZER, "normal", "weights from N(mean, std^2), zero biases",
                        List.of(real("mean", 0.0, "mean of the normal distribution"),
                                real("std", 0.05, "standard deviation").range(0, 1e6)),
                        p -> Initializers.normal(p.getDouble("mean"), p.getDouble("std"))),
                ComponentFactory.of(ComponentKind.INITIALIZER, "uniform", "weights from U(a, b), zero biases",
                        List.of(real("a", -0.05, "lower bound"), real("b", 0.05, "upper bound")),
                        p -> {
                            if (p.getDouble("a") > p.getDouble("b")) {
                                throw new io.gradlab.api.GradlabException(io.gradlab.api.GradlabException.Category.COMPONENT,
                                        "initializer 'uniform': a = " + p.getDouble("a") + " must not exceed b = " + p.getDouble("b"));
                            }
                            return Initializers.uniform(p.getDouble("a"), p.getDouble("b"));
                        }),
                ComponentFactory.of(ComponentKind.INITIALIZER, "pytorch-default",
                        "PyTorch's nn.Linear default: weights and biases from U(-1/sqrt(fan_in), 1/sqrt(fan_in))",
                        List.of(), p -> Initializers.pytorchDefault()));
    }

    private static List<ComponentFactory<Optimizer>> optimizers() {
        return List.of(ComponentFactory.of(ComponentKind.OPTIMIZER, "sgd",
                "stochastic gradient descent (PyTorch semantics: momentum, Nesterov, weight decay)",
                List.of(real("lr", 0.01, "learning rate").rangeExclusiveMin(0, 1e6),
                        real("momentum", 0.0, "momentum factor").range(0, 0.999999),
                        bool("nesterov", false, "use Nesterov momentum (needs momentum > 0)"),
                        real("weight-decay", 0.0, "L2 penalty added to the gradient").range(0, 1e6)),
                p -> {
                    if (p.getBoolean("nesterov") && p.getDouble("momentum") == 0) {
                        throw new io.gradlab.api.GradlabException(io.gradlab.api.GradlabException.Category.COMPONENT,
                                "optimizer 'sgd': nesterov needs momentum > 0; set momentum (e.g. 0.9) or nesterov: false");
                    }
                    return new Sgd(p.getDouble("lr"), p.getDouble("momentum"), p.getBoolean("nesterov"), p.getDouble("weight-decay"));
                }));
    }

    private static List<ComponentFactory<Loss>> losses() {
        return List.of(
                ComponentFactory.of(ComponentKind.LOSS, "softmax-cross-entropy",
                        "softmax then negative log-likelihood of the target class, mean over the batch",
                        List.of(), p -> new SoftmaxCrossEntropy()),
                ComponentFactory.of(ComponentKind.LOSS, "mse", "mean squared error over all outputs", List.of(), p -> new MeanSquaredError()));
    }

    private static List<ComponentFactory<Layer>> architectures() {
        return List.of(ComponentFactory.of(ComponentKind.ARCHITECTURE, "mlp",
                "multi-layer perceptron: [dense -> (normalizer) -> activation -> (after-activation)] x depth -> dense output",
                List.of(intList("hidden", null, "hidden layer widths from input to output; overrides depth and width"),
                        integer("depth", 7, "number of hidden layers (when hidden is not given)").range(0, 10_000),
                        integer("width", 128, "units per hidden layer (when hidden is not given)").range(1, 1_000_000),
                        component("activation", ComponentKind.ACTIVATION, "sigmoid", "activation after each hidden layer"),
                        component("init", ComponentKind.INITIALIZER, "pytorch-default", "weight initializer of every dense layer"),
                        component("bias-init", ComponentKind.INITIALIZER, null, "bias initializer (default: the weight initializer's rule)"),
                        component("output-init", ComponentKind.INITIALIZER, null, "weight initializer of the output layer (default: init)"),
                        component("normalizer", ComponentKind.NORMALIZER, null, "normalizer between each dense layer and its activation"),
                        component("after-activation", ComponentKind.LAYER, null, "a layer after each activation (e.g. gradient normalization)")),
                (p, context) -> Mlp.build(p, context.modelBuilder())));
    }

    private static List<ComponentFactory<Layer>> layers() {
        return List.of(ComponentFactory.of(ComponentKind.LAYER, "dense", "fully connected layer y = x W^T + b",
                List.of(integer("units", 128, "output width").range(1, 1_000_000), bool("bias", true, "add a learnable bias")),
                (p, context) -> new Dense(context.name(), p.getInt("units"), p.getBoolean("bias"), null, null, "linear")));
    }

    private static List<ComponentFactory<Diagnostic>> diagnostics() {
        return List.of(ComponentFactory.of(ComponentKind.DIAGNOSTIC, "gradient-flow",
                "per-layer gradient norms: reports a vanishing or exploding gradient between the first and last hidden layers",
                List.of(real("vanishing-ratio", 0.01, "first/last gradient-norm ratio below which the gradient is vanishing").rangeExclusiveMin(0, 1),
                        real("exploding-ratio", 100.0, "first/last gradient-norm ratio above which the gradient is exploding").range(1, 1e12)),
                p -> new GradientFlow(p.getDouble("vanishing-ratio"), p.getDouble("exploding-ratio"))));
    }

    private static List<ComponentFactory<TrainingStrategy>> trainingStrategies() {
        return List.of(ComponentFactory.of(ComponentKind.TRAINING_STRATEGY, "standard",
                "train the whole model for every epoch", List.of(), p -> new StandardStrategy()));
    }

    private static List<ComponentFactory<DataSplits>> datasets() {
        return DataFactories.all();
    }
}
