package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
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
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID,
                "softplus log(1 + e^(beta x)) / beta, linear where beta x > threshold: a smooth ReLU",
                List.of(ParameterSpec.real(BETA, 1.0, "sharpness").rangeExclusiveMin(0.0, 1e6),
                        ParameterSpec.real(THRESHOLD, 20.0, "beta x above which the function is linear").rangeExclusiveMin(0.0, 1e6)),
                p -> new Softplus(p.getDouble(BETA), p.getDouble(THRESHOLD)));
    }

    @Override
    public double value(double x) {
        double z = beta * x;
        return z > threshold ? x : SpecialFunctions.softplus(z) / beta;
    }

    @Override
    public double derivative(double x, double y) {
        double z = beta * x;
        return z > threshold ? 1.0 : SpecialFunctions.sigmoid(z);
    }

    @Override
    protected void forward(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[i];
            double z = beta * v;
            y[i] = (float) (z > threshold ? v : SpecialFunctions.softplus(z) / beta);
        }
    }

    @Override
    protected void backward(float[] x, float[] y, float[] gradY, float[] gradX, int n) {
        for (int i = 0; i < n; i++) {
            double z = beta * x[i];
            gradX[i] = z > threshold ? gradY[i] : (float) (SpecialFunctions.sigmoid(z) * gradY[i]);
        }
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
