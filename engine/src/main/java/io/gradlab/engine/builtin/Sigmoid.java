package io.gradlab.engine.builtin;

import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;

/**
 * The logistic function {@code 1 / (1 + e^-x)}; its derivative {@code y (1 - y)} is at most 0.25.
 * For negative {@code x} it is computed as {@code e / (1 + e)} with {@code e = exp(x)} in every path,
 * and for {@code x > 1} the derivative as {@code y sigmoid(-x)}, which is {@code y (1 - y)} without the
 * cancellation of {@code 1 - y} (0 in float32 from x = 17): saturated units keep their small, non-zero outputs
 * and gradients in float32 on both sides, which is what the saturation measurements are about. Up to
 * {@code x = 1}, {@code 1 - y} is at least 0.27 and {@code y (1 - y)} as precise (within 1e-6 relative in
 * float32, {@code SaturatingFloat32PrecisionTest}) without an exponential: the vectorized kernels then skip the
 * exponential for every vector of units of which none is above 1, the usual case outside saturation.
 */
public final class Sigmoid extends ElementwiseActivation {
    /** Above this input the derivative needs {@code sigmoid(-x)}; up to it {@code 1 - y} is precise. */
    private static final double PRECISE_FROM = 1;

    @Override
    protected Expr function(Expr x) {
        return x.sigmoid();
    }

    @Override
    protected Expr derivative(Expr x, Expr y) {
        return Expr.where(x.gt(PRECISE_FROM), y.mul(x.neg().sigmoid()), y.mul(Expr.constant(1).sub(y)));
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
