package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;
import java.util.List;

/**
 * {@code log(1 + e^(beta x)) / beta}, and {@code x} where {@code beta x > threshold} (PyTorch's
 * Softplus). The derivative is {@code sigmoid(beta x)}, and 1 above the threshold.
 */
final class Softplus extends ElementwiseActivation {
    static final String ID = "softplus";
    static final String BETA = "beta";
    static final String THRESHOLD = "threshold";

    private final double beta;
    private final double threshold;

    Softplus(double beta, double threshold) {
        this.beta = beta;
        this.threshold = threshold;
    }

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "softplus log(1 + e^(beta x)) / beta, linear where beta x > threshold: a smooth ReLU",
                List.of(ParameterSpec.real(BETA, 1.0, "sharpness").rangeExclusiveMin(0.0, 1e6),
                        ParameterSpec.real(THRESHOLD, 20.0, "beta x above which the function is linear").rangeExclusiveMin(0.0, 1e6)),
                p -> new Softplus(p.getDouble(BETA), p.getDouble(THRESHOLD)));
    }

    private Expr scaled(Expr x) {
        return beta == 1.0 ? x : x.mul(beta);
    }

    @Override
    protected Expr function(Expr x) {
        Expr z = scaled(x);
        Expr soft = SpecialFunctions.softplus(z);
        return Expr.where(z.gt(threshold), x, beta == 1.0 ? soft : soft.div(beta));
    }

    @Override
    protected Expr derivative(Expr x, Expr y) {
        Expr z = scaled(x);
        return Expr.where(z.gt(threshold), Expr.constant(1), z.sigmoid());
    }

    @Override
    protected Expr gradient(Expr x, Expr y, Expr gradY) {
        Expr z = scaled(x);
        return Expr.where(z.gt(threshold), gradY, z.sigmoid().mul(gradY));
    }

    @Override
    public double maxDerivative() {
        return 1.0;
    }

    /** The switch to the linear branch: the derivative jumps from {@code sigmoid(threshold)} to 1. */
    @Override
    public double[] kinks() {
        return new double[] {threshold / beta};
    }
}
