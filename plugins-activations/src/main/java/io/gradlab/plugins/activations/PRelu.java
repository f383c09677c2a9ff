package io.gradlab.plugins.activations;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabException;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import java.util.List;

/**
 * Parametric ReLU (He et al. 2015): {@code x} for {@code x > 0}, {@code a x} otherwise, with a
 * learnable slope {@code a}: one per unit (the paper's channel-wise form, the default) or one shared
 * by all units. The derivative at 0 is the slope, as in PyTorch.
 */
final class PRelu implements Activation {
    static final String ID = "prelu";
    static final String INIT = "init";
    static final String SHARED = "shared";

    private final double init;
    private final boolean shared;
    private Parameter slope;
    private int units;

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
        Tensor value = Tensor.zeros(ctx.dtype(), shared ? 1 : units);
        value.fill(init);
        this.slope = new Parameter("slope", Parameter.Role.OTHER, value);
    }

    @Override
    public void forward(Tensor x, Tensor y) {
        Tensor a = slopes(x);
        int n = x.size();
        int cols = x.cols();
        if (all(DType.F32, x, y, a)) {
            float[] xs = x.floats();
            float[] ys = y.floats();
            float[] as = a.floats();
            for (int i = 0; i < n; i++) {
                float v = xs[i];
                ys[i] = v > 0f ? v : as[shared ? 0 : i % cols] * v;
            }
        } else if (all(DType.F64, x, y, a)) {
            double[] xs = x.doubles();
            double[] ys = y.doubles();
            double[] as = a.doubles();
            for (int i = 0; i < n; i++) {
                double v = xs[i];
                ys[i] = v > 0 ? v : as[shared ? 0 : i % cols] * v;
            }
        } else {
            for (int i = 0; i < n; i++) {
                double v = x.get(i);
                y.set(i, v > 0 ? v : a.get(shared ? 0 : i % cols) * v);
            }
        }
    }

    @Override
    public void backward(Tensor x, Tensor y, Tensor gradY, Tensor gradX) {
        Tensor a = slopes(x);
        int n = x.size();
        int cols = x.cols();
        if (all(DType.F32, x, gradY, gradX, a)) {
            float[] xs = x.floats();
            float[] gy = gradY.floats();
            float[] gx = gradX.floats();
            float[] as = a.floats();
            for (int i = 0; i < n; i++) {
                gx[i] = xs[i] > 0f ? gy[i] : as[shared ? 0 : i % cols] * gy[i];
            }
        } else if (all(DType.F64, x, gradY, gradX, a)) {
            double[] xs = x.doubles();
            double[] gy = gradY.doubles();
            double[] gx = gradX.doubles();
            double[] as = a.doubles();
            for (int i = 0; i < n; i++) {
                gx[i] = xs[i] > 0 ? gy[i] : as[shared ? 0 : i % cols] * gy[i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                gradX.set(i, x.get(i) > 0 ? gradY.get(i) : a.get(shared ? 0 : i % cols) * gradY.get(i));
            }
        }
    }

    /** {@code dL/da_u += sum over rows of gradY * x where x <= 0}, accumulated in double. */
    @Override
    public void accumulateGradients(Tensor x, Tensor y, Tensor gradY) {
        Tensor a = slopes(x);
        int cols = x.cols();
        double[] sums = new double[a.size()];
        for (int i = 0; i < x.size(); i++) {
            double v = x.get(i);
            if (v <= 0) {
                sums[shared ? 0 : i % cols] += v * gradY.get(i);
            }
        }
        Tensor grad = slope.grad();
        for (int u = 0; u < sums.length; u++) {
            grad.set(u, grad.get(u) + sums[u]);
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

    private static boolean all(DType dtype, Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t.dtype() != dtype) {
                return false;
            }
        }
        return true;
    }
}
