package io.gradlab.engine.builtin;

import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;

/** The hyperbolic tangent; its derivative {@code 1 - y^2} is at most 1. */
public final class Tanh extends ElementwiseActivation {

    @Override
    protected Expr function(Expr x) {
        return x.tanh();
    }

    @Override
    protected Expr derivative(Expr x, Expr y) {
        return y.square().rsub(1);
    }

    @Override
    public Family family() {
        return Family.SATURATING;
    }
}
