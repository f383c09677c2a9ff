package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;
import java.util.List;

/** {@code max(0, x)}; the derivative at 0 is taken as 0 (as in PyTorch). */
final class Relu extends ElementwiseActivation {
    static final String ID = "relu";

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "rectified linear unit max(0, x): no saturation for x > 0, dead for x < 0",
                List.of(), p -> new Relu());
    }

    @Override
    protected Expr function(Expr x) {
        return x.max(0);
    }

    @Override
    protected Expr derivative(Expr x, Expr y) {
        return Expr.where(x.gt(0), 1, Expr.constant(0));
    }

    /** PyTorch's threshold backward: the gradient passes where {@code x > 0}, else 0. */
    @Override
    protected Expr gradient(Expr x, Expr y, Expr gradY) {
        return Expr.where(x.gt(0), gradY, 0);
    }

    @Override
    public Family family() {
        return Family.RECTIFYING;
    }

    @Override
    public double maxDerivative() {
        return 1.0;
    }

    @Override
    public double[] kinks() {
        return new double[] {0.0};
    }
}
