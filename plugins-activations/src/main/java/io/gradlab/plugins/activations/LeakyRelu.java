package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;
import java.util.List;

/** {@code x} for {@code x > 0}, {@code slope * x} otherwise (PyTorch's LeakyReLU; the derivative at 0 is the slope). */
final class LeakyRelu extends ElementwiseActivation {
    static final String ID = "leaky-relu";
    static final String NEGATIVE_SLOPE = "negative-slope";

    private final double slope;

    LeakyRelu(double slope) {
        this.slope = slope;
    }

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "leaky ReLU: x for x > 0, negative-slope * x otherwise; units cannot die",
                List.of(ParameterSpec.real(NEGATIVE_SLOPE, 0.01, "slope for negative inputs").range(0.0, 1.0)),
                p -> new LeakyRelu(p.getDouble(NEGATIVE_SLOPE)));
    }

    @Override
    protected Expr function(Expr x) {
        return Expr.where(x.gt(0), x, x.mul(slope));
    }

    @Override
    protected Expr derivative(Expr x, Expr y) {
        return Expr.where(x.gt(0), 1, Expr.constant(slope));
    }

    @Override
    protected Expr gradient(Expr x, Expr y, Expr gradY) {
        return Expr.where(x.gt(0), gradY, gradY.mul(slope));
    }

    @Override
    public Family family() {
        return slope == 0.0 ? Family.RECTIFYING : Family.OTHER;
    }

    @Override
    public double maxDerivative() {
        return Math.max(1.0, slope);
    }

    @Override
    public double[] kinks() {
        return slope == 1.0 ? new double[0] : new double[] {0.0};
    }
}
