package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;
import java.util.List;

/**
 * Mish {@code x tanh(softplus(x))} (Misra 2019; PyTorch's Mish). With {@code t = e^-|x|},
 * {@code tanh(softplus(x)) = ((1 + e^x)² - 1) / ((1 + e^x)² + 1)} is {@code n / d} with
 * {@code n = 1 + 2t}, {@code d = n + 2t²} for {@code x >= 0} and {@code n = t² + 2t}, {@code d = n + 2}
 * below: one exponential, no logarithm, nothing that overflows or cancels.
 */
final class Mish extends ElementwiseActivation {
    static final String ID = "mish";

    /** The largest derivative, ≈ 1.0886 near x = 1.19. */
    static final double MAX_DERIVATIVE = SpecialFunctions.maximum(new Terms(Expr.arg(0)).derivative()::eval, 0.0, 5.0);

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "mish x tanh(softplus(x)): smooth, non-monotonic, unbounded above",
                List.of(), p -> new Mish());
    }

    @Override
    protected Expr function(Expr x) {
        Terms t = new Terms(x);
        return x.mul(t.n.div(t.d));
    }

    @Override
    protected Expr derivative(Expr x, Expr y) {
        return new Terms(x).derivative();
    }

    @Override
    public double maxDerivative() {
        return MAX_DERIVATIVE;
    }

    /** The shared sub-expressions of the value and the derivative. */
    private static final class Terms {
        private final Expr x;
        private final Expr nonNegative;
        private final Expr t;
        private final Expr tt;
        private final Expr n;
        private final Expr d;

        Terms(Expr x) {
            this.x = x;
            this.nonNegative = x.ge(0);
            this.t = x.abs().neg().exp();
            this.tt = t.square();
            this.n = Expr.where(nonNegative, Expr.constant(1), tt).add(t.mul(2));
            this.d = n.add(Expr.where(nonNegative, tt, Expr.constant(1)).mul(2));
        }

        /**
         * {@code tanh(sp) + x sigmoid(x) sech²(sp)} with {@code sp = softplus(x)}, where
         * {@code sigmoid(x) sech²(sp) = 4 (1 + t) m / d²} with {@code m = t²} for {@code x >= 0}, {@code t} below.
         */
        Expr derivative() {
            Expr m = Expr.where(nonNegative, tt, t);
            return n.div(d).add(x.mul(4).mul(t.add(1)).mul(m).div(d.square()));
        }
    }
}
