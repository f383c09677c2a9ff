package io.gradlab.engine.builtin;

import io.gradlab.api.nn.ElementwiseActivation;

/** The hyperbolic tangent; its derivative {@code 1 - y^2} is at most 1. */
public final class Tanh extends ElementwiseActivation {

    @Override
    public double value(double x) {
        return Math.tanh(x);
    }

    @Override
    public double derivative(double x, double y) {
        return 1.0 - y * y;
    }

    @Override
    protected void forward(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = (float) Math.tanh(x[i]);
        }
    }

    @Override
    protected void backward(float[] x, float[] y, float[] gradY, float[] gradX, int n) {
        for (int i = 0; i < n; i++) {
            float t = y[i];
            gradX[i] = (1f - t * t) * gradY[i];
        }
    }

    @Override
    public Family family() {
        return Family.SATURATING;
    }
}
