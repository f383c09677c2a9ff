package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import java.util.List;

/**
 * {@code scale * (x > 0 ? x : alpha (e^x - 1))} with the self-normalizing constants of Klambauer et
 * al. 2017 (as in PyTorch).
 */
final class Selu extends ElementwiseActivation {
    static final String ID = "selu";
    static final double ALPHA = 1.6732632423543772;
    static final double SCALE = 1.0507009873554805;

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "scaled ELU with the self-normalizing constants (alpha 1.6733, scale 1.0507)",
                List.of(), p -> new Selu());
    }

    @Override
    public double value(double x) {
        return x > 0 ? SCALE * x : SCALE * ALPHA * Math.expm1(x);
    }

    @Override
    public double derivative(double x, double y) {
        return x > 0 ? SCALE : SCALE * ALPHA * Math.exp(x);
    }

    @Override
    protected void forward(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            y[i] = (float) (v > 0f ? SCALE * v : SCALE * ALPHA * Math.expm1(v));
        }
    }

    @Override
    protected void backward(float[] x, float[] y, float[] gradY, float[] gradX, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            gradX[i] = (float) ((v > 0f ? SCALE : SCALE * ALPHA * Math.exp(v)) * gradY[i]);
        }
    }

    @Override
    public double maxDerivative() {
        return SCALE * ALPHA;
    }

    @Override
    public double[] kinks() {
        return new double[] {0.0};
    }
}
