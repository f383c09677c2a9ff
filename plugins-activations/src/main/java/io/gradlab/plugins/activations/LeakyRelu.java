package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import java.util.List;

/** {@code x} for {@code x > 0}, {@code slope * x} otherwise (PyTorch's LeakyReLU; the derivative at 0 is the slope). */
final class LeakyRelu extends ElementwiseActivation {
    static final String ID = "leaky-relu";
    static final String NEGATIVE_SLOPE = "negative-slope";

    private final double slope;
    private final float slopeF;

    LeakyRelu(double slope) {
        this.slope = slope;
        this.slopeF = (float) slope;
    }

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "leaky ReLU: x for x > 0, negative-slope * x otherwise; units cannot die",
                List.of(ParameterSpec.real(NEGATIVE_SLOPE, 0.01, "slope for negative inputs").range(0.0, 1.0)),
                p -> new LeakyRelu(p.getDouble(NEGATIVE_SLOPE)));
    }

    @Override
    public double value(double x) {
        return x > 0 ? x : slope * x;
    }

    @Override
    public double derivative(double x, double y) {
        return x > 0 ? 1.0 : slope;
    }

    @Override
    protected void forward(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = x[i] > 0f ? x[i] : slopeF * x[i];
        }
    }

    @Override
    protected void backward(float[] x, float[] y, float[] gradY, float[] gradX, int n) {
        for (int i = 0; i < n; i++) {
            gradX[i] = x[i] > 0f ? gradY[i] : slopeF * gradY[i];
        }
    }

    @Override
    public Family family() {
        return slope == 0.0 ? Family.RECTIFYING : Family.OTHER;
    }

    @Override
    public double maxDerivative() {
        return Math.max(1.0, slope);
    }

    @Override
    public double[] kinks() {
        return slope == 1.0 ? new double[0] : new double[] {0.0};
    }
}
