package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;
import java.util.List;

/**
 * Swish {@code x sigmoid(beta x)} (Ramachandran et al. 2017); with {@code beta = 1} it is SiLU
 * (Hendrycks and Gimpel 2016; PyTorch's SiLU), registered under both ids.
 */
final class Swish extends ElementwiseActivation {
    static final String ID = "swish";
    static final String SILU_ID = "silu";
    static final String BETA = "beta";

    /** The largest derivative, {@code max_z sigmoid(z) (1 + z sigmoid(-z))} ≈ 1.0998, the same for every beta > 0. */
    static final double MAX_DERIVATIVE = SpecialFunctions.maximum(derivativeOfZ(Expr.arg(0))::eval, 0.0, 10.0);

    private final double beta;

    Swish(double beta) {
        this.beta = beta;
    }

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "swish x sigmoid(beta x): smooth, non-monotonic; beta = 1 is SiLU",
                List.of(ParameterSpec.real(BETA, 1.0, "sharpness; large beta approaches ReLU").rangeExclusiveMin(0.0, 1e6)),
                p -> new Swish(p.getDouble(BETA)));
    }

    static ComponentFactory<Activation> siluFactory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, SILU_ID, "sigmoid-weighted linear unit x sigmoid(x) (swish with beta = 1)",
                List.of(), p -> new Swish(1.0));
    }

    private Expr scaled(Expr x) {
        return beta == 1.0 ? x : x.mul(beta);
    }

    @Override
    protected Expr function(Expr x) {
        return x.mul(scaled(x).sigmoid());
    }

    @Override
    protected Expr derivative(Expr x, Expr y) {
        return derivativeOfZ(scaled(x));
    }

    /** The derivative as a function of {@code z = beta x}: {@code s + z s sigmoid(-z)} with {@code s = sigmoid(z)}. */
    private static Expr derivativeOfZ(Expr z) {
        Expr s = z.sigmoid();
        return s.add(z.mul(s).mul(z.neg().sigmoid()));
    }

    @Override
    public double maxDerivative() {
        return MAX_DERIVATIVE;
    }
}
