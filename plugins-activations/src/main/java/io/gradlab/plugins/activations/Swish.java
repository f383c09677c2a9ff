package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
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
    static final double MAX_DERIVATIVE = SpecialFunctions.maximum(Swish::derivativeOfZ, 0.0, 10.0);

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

    @Override
    public double value(double x) {
        return x * SpecialFunctions.sigmoid(beta * x);
    }

    @Override
    public double derivative(double x, double y) {
        double z = beta * x;
        double s = SpecialFunctions.sigmoid(z);
        return s + z * s * SpecialFunctions.sigmoid(-z);
    }

    /** The derivative as a function of {@code z = beta x}. */
    private static double derivativeOfZ(double z) {
        double s = SpecialFunctions.sigmoid(z);
        return s + z * s * SpecialFunctions.sigmoid(-z);
    }

    @Override
    protected void forward(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[i];
            y[i] = (float) (v * SpecialFunctions.sigmoid(beta * v));
        }
    }

    @Override
    protected void backward(float[] x, float[] y, float[] gradY, float[] gradX, int n) {
        for (int i = 0; i < n; i++) {
            gradX[i] = (float) (derivativeOfZ(beta * x[i]) * gradY[i]);
        }
    }

    @Override
    public double maxDerivative() {
        return MAX_DERIVATIVE;
    }
}
