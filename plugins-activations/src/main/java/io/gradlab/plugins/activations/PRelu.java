package io.gradlab.plugins.activations;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabException;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import java.util.List;

/**
 * Parametric ReLU (He et al. 2015): {@code x} for {@code x > 0}, {@code a x} otherwise, with a
 * learnable slope {@code a}: one per unit (the paper's channel-wise form, the default) or one shared
 * by all units. The derivative at 0 is the slope, as in PyTorch. The slopes are broadcast over the
 * rows by the kernels of {@link BuildContext#ops()} (a row of slopes, or one).
 */
final class PRelu implements Activation {
    static final String ID = "prelu";
    static final String INIT = "init";
    static final String SHARED = "shared";

    private static final Expr X = Expr.arg(0);
    /** {@code y = x > 0 ? x : a x}, args {@code (x, y, a)} with {@code a} a row of slopes or one slope. */
    private static final Elementwise FORWARD = Elementwise.assign(1, Expr.where(X.gt(0), X, Expr.arg(2).mul(X)));
    /** {@code gradX = x > 0 ? gradY : a gradY}, args {@code (x, gradY, gradX, a)}. */
    private static final Elementwise BACKWARD =
            Elementwise.assign(2, Expr.where(X.gt(0), Expr.arg(1), Expr.arg(3).mul(Expr.arg(1))));
    /** {@code dL/da} per element, {@code x gradY} where {@code x <= 0}, args {@code (x, gradY)}. */
    private static final Expr SLOPE_GRADIENT = Expr.where(X.le(0), X.mul(Expr.arg(1)), 0);

    private final double init;
    private final boolean shared;
    private final Tensor[] forwardArgs = new Tensor[3];
    private final Tensor[] backwardArgs = new Tensor[4];
    private final Tensor[] gradientArgs = new Tensor[2];
    private Parameter slope;
    private int units;
    private Ops ops;

    PRelu(double init, boolean shared) {
        this.init = init;
        this.shared = shared;
    }

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "parametric ReLU: x for x > 0, a x otherwise, with the slope a learned",
                List.of(ParameterSpec.real(INIT, 0.25, "initial slope for negative inputs").range(0.0, 1.0),
                        ParameterSpec.bool(SHARED, false, "one slope for all units instead of one per unit")),
                p -> new PRelu(p.getDouble(INIT), p.getBoolean(SHARED)));
    }

    @Override
    public void bind(int units, BuildContext ctx) {
        requireNonNull(ctx, "ctx is null");
        if (units <= 0) {
            throw new GradlabException(GradlabException.Category.SPEC, "prelu: cannot bind to " + units + " units");
        }
        if (slope != null) {
            if (!shared && units != this.units) {
                throw new GradlabException(GradlabException.Category.SPEC, "prelu was bound to " + this.units
                        + " units and cannot take " + units + "; use a new activation (or shared: true)");
            }
            return;
        }
        this.units = units;
        this.ops = ctx.ops();
        Tensor value = Tensor.zeros(ctx.dtype(), shared ? 1 : units);
        value.fill(init);
        this.slope = new Parameter("slope", Parameter.Role.OTHER, value);
    }

    @Override
    public void forward(Tensor x, Tensor y) {
        Tensor a = slopes(x);
        Tensor[] args = forwardArgs;
        args[0] = x;
        args[1] = y;
        args[2] = a;
        ops.map(FORWARD, null, args);
    }

    @Override
    public void backward(Tensor x, Tensor y, Tensor gradY, Tensor gradX) {
        Tensor a = slopes(x);
        Tensor[] args = backwardArgs;
        args[0] = x;
        args[1] = gradY;
        args[2] = gradX;
        args[3] = a;
        ops.map(BACKWARD, null, args);
    }

    /** {@code dL/da_u += sum over rows of gradY * x where x <= 0} (every element for one shared slope). */
    @Override
    public void accumulateGradients(Tensor x, Tensor y, Tensor gradY) {
        slopes(x);
        Tensor[] args = gradientArgs;
        args[0] = x;
        args[1] = gradY;
        Tensor grad = slope.grad();
        if (shared) {
            grad.set(0, grad.get(0) + ops.sum(SLOPE_GRADIENT, null, args));
        } else {
            ops.columnSums(SLOPE_GRADIENT, 1.0, grad, null, args);
        }
    }

    @Override
    public List<Parameter> parameters() {
        return slope == null ? List.of() : List.of(slope);
    }

    @Override
    public double maxDerivative() {
        double max = 1.0;
        if (slope != null) {
            for (int i = 0; i < slope.value().size(); i++) {
                max = Math.max(max, slope.value().get(i));
            }
        } else {
            max = Math.max(max, init);
        }
        return max;
    }

    @Override
    public double[] kinks() {
        return new double[] {0.0};
    }

    private Tensor slopes(Tensor x) {
        if (slope == null) {
            throw new IllegalStateException("prelu: bind(units, ctx) must be called before use");
        }
        if (!shared && x.cols() != units) {
            throw new GradlabException(GradlabException.Category.SPEC, "prelu was bound to " + units
                    + " units but got an input with " + x.cols() + " features");
        }
        return slope.value();
    }
}
