package io.gradlab.plugins.remedies.optim;

import static io.gradlab.api.ParameterSpec.bool;
import static io.gradlab.api.ParameterSpec.real;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.train.Optimizer;
import java.util.List;

/** The adaptive optimizers: {@code adam}, {@code adamw}, {@code rmsprop}, {@code adagrad}, with PyTorch's defaults. */
public final class OptimizerFactories {
    private OptimizerFactories() {}

    public static List<ComponentFactory<Optimizer>> all() {
        return List.of(
                ComponentFactory.of(ComponentKind.OPTIMIZER, "adam",
                        "Adam (PyTorch semantics): bias-corrected first and second moments, L2 weight decay, optional AMSGrad",
                        List.of(lr(1e-3), beta("beta1", 0.9), beta("beta2", 0.999), eps(1e-8),
                                real("weight-decay", 0.0, "L2 penalty added to the gradient").range(0, 1e6),
                                bool("amsgrad", false, "use the maximum of past second moments (AMSGrad)")),
                        p -> new Adam(p.getDouble("lr"), p.getDouble("beta1"), p.getDouble("beta2"), p.getDouble("eps"),
                                p.getDouble("weight-decay"), false, p.getBoolean("amsgrad"))),
                ComponentFactory.of(ComponentKind.OPTIMIZER, "adamw",
                        "AdamW (PyTorch semantics): Adam with decoupled weight decay, w <- w (1 - lr wd) before the step",
                        List.of(lr(1e-3), beta("beta1", 0.9), beta("beta2", 0.999), eps(1e-8),
                                real("weight-decay", 0.01, "decoupled weight decay").range(0, 1e6),
                                bool("amsgrad", false, "use the maximum of past second moments (AMSGrad)")),
                        p -> new Adam(p.getDouble("lr"), p.getDouble("beta1"), p.getDouble("beta2"), p.getDouble("eps"),
                                p.getDouble("weight-decay"), true, p.getBoolean("amsgrad"))),
                ComponentFactory.of(ComponentKind.OPTIMIZER, "rmsprop",
                        "RMSprop (PyTorch semantics): divide by a running RMS of the gradient; optional momentum, centered",
                        List.of(lr(1e-2), real("alpha", 0.99, "smoothing constant of the squared-gradient average").range(0, 1), eps(1e-8),
                                real("weight-decay", 0.0, "L2 penalty added to the gradient").range(0, 1e6),
                                real("momentum", 0.0, "momentum factor").range(0, 0.999999),
                                bool("centered", false, "divide by the estimated variance of the gradient instead of its second moment")),
                        p -> new RmsProp(p.getDouble("lr"), p.getDouble("alpha"), p.getDouble("eps"), p.getDouble("weight-decay"),
                                p.getDouble("momentum"), p.getBoolean("centered"))),
                ComponentFactory.of(ComponentKind.OPTIMIZER, "adagrad",
                        "Adagrad (PyTorch semantics): divide by the root of the summed squared gradients",
                        List.of(lr(1e-2), real("lr-decay", 0.0, "learning rate decay: lr / (1 + (t - 1) lr-decay)").range(0, 1e6),
                                real("weight-decay", 0.0, "L2 penalty added to the gradient").range(0, 1e6),
                                real("initial-accumulator-value", 0.0, "the starting value of the squared-gradient sum").range(0, 1e6),
                                eps(1e-10)),
                        p -> new Adagrad(p.getDouble("lr"), p.getDouble("lr-decay"), p.getDouble("weight-decay"),
                                p.getDouble("initial-accumulator-value"), p.getDouble("eps"))));
    }

    private static ParameterSpec lr(double value) {
        return real("lr", value, "learning rate").rangeExclusiveMin(0, 1e6);
    }

    private static ParameterSpec beta(String name, double value) {
        return real(name, value, "exponential decay rate of the " + (name.equals("beta1") ? "first" : "second") + " moment").range(0, 0.999999999);
    }

    private static ParameterSpec eps(double value) {
        return real("eps", value, "added to the denominator for numerical stability").range(0, 1);
    }
}
