package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;
import java.util.List;

/**
 * {@code scale * (x > 0 ? x : alpha (e^x - 1))} with the self-normalizing constants of Klambauer et
 * al. 2017 (as in PyTorch).
 */
final class Selu extends ElementwiseActivation {
    static final String ID = "selu";
    static final double ALPHA = 1.6732632423543772;
    static final double SCALE = 1.0507009873554805;
    private static final double SCALE_ALPHA = SCALE * ALPHA;

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "scaled ELU with the self-normalizing constants (alpha 1.6733, scale 1.0507)",
                List.of(), p -> new Selu());
    }

    @Override
    protected Expr function(Expr x) {
        return Expr.where(x.gt(0), x.mul(SCALE), SpecialFunctions.expm1NonPositive(x).mul(SCALE_ALPHA));
    }

    @Override
    protected Expr derivative(Expr x, Expr y) {
        return Expr.where(x.gt(0), Expr.constant(SCALE), x.exp().mul(SCALE_ALPHA));
    }

    @Override
    public double maxDerivative() {
        return SCALE_ALPHA;
    }

    @Override
    public double[] kinks() {
        return new double[] {0.0};
    }
}
