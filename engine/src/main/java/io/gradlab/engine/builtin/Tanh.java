package io.gradlab.engine.builtin;

import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;

/**
 * The hyperbolic tangent; its derivative {@code 1 - y^2} is at most 1. The derivative is computed as
 * {@code n / (1 + n/4)^2} with {@code n = 4 exp(-2|x|)} (= {@code 1 / cosh^2 x}), not as {@code 1 - y^2}:
 * that cancels as y nears ±1 (in float32 it is exactly 0 from |x| = 9, and off by more than 1e-6
 * relative from |x| of about 2), so saturated tanh units would get falsely zero gradients. Up to |x| = 0.5
 * it is {@code (1 - y)(1 + y)}, as precise there.
 */
public final class Tanh extends ElementwiseActivation {
    /** Above this input magnitude the derivative needs the exponential; up to it {@code 1 - y^2} is precise. */
    private static final double PRECISE_FROM = 0.5;

    @Override
    protected Expr function(Expr x) {
        return x.tanh();
    }

    @Override
    protected Expr derivative(Expr x, Expr y) {
        // 4 e^{-2|x|} as (2 e^{-|x|})^2: exp's argument exact (a rounded 2|x| - ln 4 would cost 4e-6 at |x| = 40),
        // no subnormal on the way down to the smallest normal derivative
        Expr n = x.abs().neg().exp().mul(2).square();
        // up to |x| = 0.5, |y| < 0.47 and (1 - y)(1 + y) is as precise, without the exponential (skipped by the
        // vectorized kernels for a vector of units none of which is above 0.5 in magnitude)
        return Expr.where(x.abs().gt(PRECISE_FROM), n.div(n.mul(0.25).add(1).square()), Expr.constant(1).sub(y).mul(y.add(1)));
    }

    @Override
    public Family family() {
        return Family.SATURATING;
    }
}
