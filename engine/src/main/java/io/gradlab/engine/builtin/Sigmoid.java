package io.gradlab.engine.builtin;

import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.engine.kernel.FloatKernels;

/** The logistic function {@code 1 / (1 + e^-x)}; its derivative {@code y (1 - y)} is at most 0.25. */
public final class Sigmoid extends ElementwiseActivation {
    private final FloatKernels kernels = FloatKernels.get();

    @Override
    public double value(double x) {
        // the two branches keep exp() from overflowing: sigmoid(-1000) = 0, sigmoid(1000) = 1
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    @Override
    public double derivative(double x, double y) {
        return y * (1.0 - y);
    }

    @Override
    protected void forward(float[] x, float[] y, int n) {
        kernels.sigmoid(x, y, n); // vectorized when the JVM has the Vector API
    }

    @Override
    protected void backward(float[] x, float[] y, float[] gradY, float[] gradX, int n) {
        kernels.sigmoidBackward(y, gradY, gradX, n);
    }

    @Override
    public Family family() {
        return Family.SATURATING;
    }

    @Override
    public double maxDerivative() {
        return 0.25;
    }
}
