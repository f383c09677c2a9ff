package io.gradlab.engine.builtin;

import io.gradlab.api.nn.ElementwiseActivation;

/** The logistic function {@code 1 / (1 + e^-x)}; its derivative {@code y (1 - y)} is at most 0.25. */
public final class Sigmoid extends ElementwiseActivation {

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
        for (int i = 0; i < n; i++) {
            float v = x[i];
            // exp(-|v|) never overflows; fold the sign afterwards
            float e = (float) Math.exp(-Math.abs(v));
            float s = 1f / (1f + e);
            y[i] = v >= 0 ? s : 1f - s;
        }
    }

    @Override
    protected void backward(float[] x, float[] y, float[] gradY, float[] gradX, int n) {
        for (int i = 0; i < n; i++) {
            float s = y[i];
            gradX[i] = s * (1f - s) * gradY[i];
        }
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
