package io.gradlab.engine.builtin;

import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;

/**
 * The logistic function {@code 1 / (1 + e^-x)}; its derivative {@code y (1 - y)} is at most 0.25.
 * For negative {@code x} it is computed as {@code e / (1 + e)} with {@code e = exp(x)} in every path,
 * and the derivative as {@code y sigmoid(-x)}, which is {@code y (1 - y)} without the cancellation of
 * {@code 1 - y} (0 in float32 from x = 17): saturated units keep their small, non-zero outputs and
 * gradients in float32 on both sides, which is what the saturation measurements are about.
 */
public final class Sigmoid extends ElementwiseActivation {

    @Override
    protected Expr function(Expr x) {
        return x.sigmoid();
    }

    @Override
    protected Expr derivative(Expr x, Expr y) {
        return y.mul(x.neg().sigmoid());
    }

    @Override
    public Family family() {
        return Family.SATURATING;
    }

    @Override
    public double maxDerivative() {
        return 0.25;
    }
}
