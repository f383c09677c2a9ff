package io.gradlab.engine.builtin;

import static io.gradlab.api.ParameterSpec.bool;
import static io.gradlab.api.ParameterSpec.component;
import static io.gradlab.api.ParameterSpec.integer;
import static io.gradlab.api.ParameterSpec.intList;
import static io.gradlab.api.ParameterSpec.real;

import io.gradlab.api.ApiVersion;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabPlugin;
import io.gradlab.api.spi.ActivationFactory;
import io.gradlab.api.spi.ArchitectureFactory;
import io.gradlab.api.spi.DatasetFactory;
import io.gradlab.api.spi.DiagnosticFactory;
import io.gradlab.api.spi.InitializerFactory;
import io.gradlab.api.spi.LayerFactory;
import io.gradlab.api.spi.LossFactory;
import io.gradlab.api.spi.OptimizerFactory;
import io.gradlab.api.spi.TrainingStrategyFactory;
import io.gradlab.engine.data.DataFactories;
import io.gradlab.engine.nn.Dense;
import io.gradlab.engine.nn.MeanSquaredError;
import io.gradlab.engine.nn.SoftmaxCrossEntropy;
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
    public List<ActivationFactory> activations() {
        return List.of(
                ActivationFactory.of("sigmoid", "logistic 1/(1+e^-x); derivative at most 0.25, saturates for large |x|",
                        List.of(), p -> new Sigmoid()),
                ActivationFactory.of("tanh", "hyperbolic tangent; derivative at most 1, saturates for large |x|",
                        List.of(), p -> new Tanh()),
                ActivationFactory.of("identity", "f(x) = x (a linear layer)", List.of(), p -> new Identity()));
    }

    @Override
    public List<InitializerFactory> initializers() {
        return List.of(
                InitializerFactory.of("normal", "weights from N(mean, std^2), zero biases",
                        List.of(real("mean", 0.0, "mean of the normal distribution"),
                                real("std", 0.05, "standard deviation").range(0, 1e6)),
                        p -> Initializers.normal(p.getDouble("mean"), p.getDouble("std"))),
                InitializerFactory.of("uniform", "weights from U(a, b), zero biases",
                        List.of(real("a", -0.05, "lower bound"), real("b", 0.05, "upper bound")),
                        p -> {
                            if (p.getDouble("a") > p.getDouble("b")) {
                                throw new io.gradlab.api.GradlabException(io.gradlab.api.GradlabException.Category.COMPONENT,
                                        "initializer 'uniform': a = " + p.getDouble("a") + " must not exceed b = " + p.getDouble("b"));
                            }
                            return Initializers.uniform(p.getDouble("a"), p.getDouble("b"));
                        }),
                InitializerFactory.of("pytorch-default", "PyTorch's nn.Linear default: weights and biases from U(-1/sqrt(fan_in), 1/sqrt(fan_in))",
                        List.of(), p -> Initializers.pytorchDefault()));
    }

    @Override
    public List<OptimizerFactory> optimizers() {
        return List.of(OptimizerFactory.of("sgd", "stochastic gradient descent (PyTorch semantics: momentum, Nesterov, weight decay)",
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

    @Override
    public List<LossFactory> losses() {
        return List.of(
                LossFactory.of("softmax-cross-entropy", "softmax then negative log-likelihood of the target class, mean over the batch",
                        List.of(), p -> new SoftmaxCrossEntropy()),
                LossFactory.of("mse", "mean squared error over all outputs", List.of(), p -> new MeanSquaredError()));
    }

    @Override
    public List<ArchitectureFactory> architectures() {
        return List.of(ArchitectureFactory.of("mlp",
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
                Mlp::build));
    }

    @Override
    public List<LayerFactory> layers() {
        return List.of(LayerFactory.of("dense", "fully connected layer y = x W^T + b",
                List.of(integer("units", 128, "output width").range(1, 1_000_000), bool("bias", true, "add a learnable bias")),
                (p, name) -> new Dense(name, p.getInt("units"), p.getBoolean("bias"), null, null, "linear")));
    }

    @Override
    public List<DiagnosticFactory> diagnostics() {
        return List.of(DiagnosticFactory.of("gradient-flow",
                "per-layer gradient norms: reports a vanishing or exploding gradient between the first and last hidden layers",
                List.of(real("vanishing-ratio", 0.01, "first/last gradient-norm ratio below which the gradient is vanishing").rangeExclusiveMin(0, 1),
                        real("exploding-ratio", 100.0, "first/last gradient-norm ratio above which the gradient is exploding").range(1, 1e12)),
                p -> new GradientFlow(p.getDouble("vanishing-ratio"), p.getDouble("exploding-ratio"))));
    }

    @Override
    public List<TrainingStrategyFactory> trainingStrategies() {
        return List.of(TrainingStrategyFactory.of("standard", "train the whole model for every epoch", List.of(), p -> new StandardStrategy()));
    }

    @Override
    public List<DatasetFactory> datasets() {
        return DataFactories.all();
    }
}
