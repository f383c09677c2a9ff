package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;
import java.util.List;

/** {@code relu6(x + 3) / 6} (PyTorch's Hardsigmoid); the derivative is 1/6 on the open interval (-3, 3), 0 elsewhere. */
final class HardSigmoid extends ElementwiseActivation {
    static final String ID = "hard-sigmoid";
    private static final double SIXTH = 1.0 / 6.0;

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "hard sigmoid relu6(x + 3) / 6: piecewise-linear sigmoid, saturates outside (-3, 3)",
                List.of(), p -> new HardSigmoid());
    }

    @Override
    protected Expr function(Expr x) {
        return x.add(3).max(0).min(6).div(6);
    }

    @Override
    protected Expr derivative(Expr x, Expr y) {
        return Expr.where(inside(x), Expr.constant(SIXTH), Expr.constant(0));
    }

    /** As PyTorch: {@code gradY / 6} inside, 0 outside (whatever {@code gradY} is). */
    @Override
    protected Expr gradient(Expr x, Expr y, Expr gradY) {
        return Expr.where(inside(x), gradY.mul(SIXTH), 0);
    }

    /** {@code -3 < x < 3}. */
    private static Expr inside(Expr x) {
        return x.gt(-3).mul(x.lt(3));
    }

    @Override
    public Family family() {
        return Family.SATURATING;
    }

    @Override
    public double maxDerivative() {
        return SIXTH;
    }

    @Override
    public double[] kinks() {
        return new double[] {-3.0, 3.0};
    }
}
