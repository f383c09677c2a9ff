package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import java.util.List;

/** {@code relu6(x + 3) / 6} (PyTorch's Hardsigmoid); the derivative is 1/6 on the open interval (-3, 3), 0 elsewhere. */
final class HardSigmoid extends ElementwiseActivation {
    static final String ID = "hard-sigmoid";
    private static final double SIXTH = 1.0 / 6.0;
    private static final float SIXTH_F = (float) SIXTH;

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "hard sigmoid relu6(x + 3) / 6: piecewise-linear sigmoid, saturates outside (-3, 3)",
                List.of(), p -> new HardSigmoid());
    }

    @Override
    public double value(double x) {
        return Math.min(Math.max(x + 3.0, 0.0), 6.0) / 6.0;
    }

    @Override
    public double derivative(double x, double y) {
        return x > -3.0 && x < 3.0 ? SIXTH : 0.0;
    }

    @Override
    protected void forward(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = Math.min(Math.max(x[i] + 3f, 0f), 6f) / 6f;
        }
    }

    @Override
    protected void backward(float[] x, float[] y, float[] gradY, float[] gradX, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            gradX[i] = v > -3f && v < 3f ? SIXTH_F * gradY[i] : 0f;
        }
    }

    @Override
    public Family family() {
        return Family.SATURATING;
    }

    @Override
    public double maxDerivative() {
        return SIXTH;
    }

    @Override
    public double[] kinks() {
        return new double[] {-3.0, 3.0};
    }
}
