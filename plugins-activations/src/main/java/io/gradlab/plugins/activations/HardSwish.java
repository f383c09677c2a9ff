package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;
import java.util.List;

/**
 * {@code x relu6(x + 3) / 6} (Howard et al. 2019; PyTorch's Hardswish). The derivative is 0 below
 * -3, {@code x/3 + 1/2} on {@code [-3, 3]} and 1 above, as PyTorch computes it.
 */
final class HardSwish extends ElementwiseActivation {
    static final String ID = "hard-swish";

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "hard swish x relu6(x + 3) / 6: piecewise-quadratic swish",
                List.of(), p -> new HardSwish());
    }

    @Override
    protected Expr function(Expr x) {
        return x.mul(x.add(3).max(0).min(6)).div(6);
    }

    @Override
    protected Expr derivative(Expr x, Expr y) {
        return Expr.where(x.lt(-3), Expr.constant(0), Expr.where(x.le(3), x.div(3).add(0.5), Expr.constant(1)));
    }

    /** As PyTorch: 0 below -3 (whatever {@code gradY} is), {@code gradY} above 3. */
    @Override
    protected Expr gradient(Expr x, Expr y, Expr gradY) {
        return Expr.where(x.lt(-3), Expr.constant(0), Expr.where(x.le(3), x.div(3).add(0.5).mul(gradY), gradY));
    }

    /** At {@code x = 3}: {@code 3/3 + 1/2}. */
    @Override
    public double maxDerivative() {
        return 1.5;
    }

    @Override
    public double[] kinks() {
        return new double[] {-3.0, 3.0};
    }
}
