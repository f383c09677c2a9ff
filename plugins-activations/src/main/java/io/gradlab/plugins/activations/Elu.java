package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;
import java.util.List;

/** {@code x} for {@code x > 0}, {@code alpha (e^x - 1)} otherwise (Clevert et al. 2015; PyTorch's ELU). */
final class Elu extends ElementwiseActivation {
    static final String ID = "elu";
    static final String ALPHA = "alpha";

    private final double alpha;

    Elu(double alpha) {
        this.alpha = alpha;
    }

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "exponential linear unit: x for x > 0, alpha (e^x - 1) otherwise; saturates to -alpha",
                List.of(ParameterSpec.real(ALPHA, 1.0, "the negative saturation value").range(0.0, 100.0)),
                p -> new Elu(p.getDouble(ALPHA)));
    }

    /** {@code e^x - 1} without cancellation ({@link SpecialFunctions#expm1NonPositive}): small negative inputs keep their digits. */
    @Override
    protected Expr function(Expr x) {
        return Expr.where(x.gt(0), x, SpecialFunctions.expm1NonPositive(x).mul(alpha));
    }

    /** {@code alpha e^x} from {@code x}, not {@code y + alpha} from the output, which cancels in the tail. */
    @Override
    protected Expr derivative(Expr x, Expr y) {
        return Expr.where(x.gt(0), 1, x.exp().mul(alpha));
    }

    @Override
    protected Expr gradient(Expr x, Expr y, Expr gradY) {
        return Expr.where(x.gt(0), gradY, x.exp().mul(alpha).mul(gradY));
    }

    @Override
    public Family family() {
        return alpha == 0.0 ? Family.RECTIFYING : Family.OTHER;
    }

    @Override
    public double maxDerivative() {
        return Math.max(1.0, alpha);
    }

    @Override
    public double[] kinks() {
        return alpha == 1.0 ? new double[0] : new double[] {0.0};
    }
}
