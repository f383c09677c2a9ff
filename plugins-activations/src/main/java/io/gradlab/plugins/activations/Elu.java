package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import java.util.List;

/** {@code x} for {@code x > 0}, {@code alpha (e^x - 1)} otherwise (Clevert et al. 2015; PyTorch's ELU). */
final class Elu extends ElementwiseActivation {
    static final String ID = "elu";
    static final String ALPHA = "alpha";

    private final double alpha;

    Elu(double alpha) {
        this.alpha = alpha;
    }

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID,
                "exponential linear unit: x for x > 0, alpha (e^x - 1) otherwise; saturates to -alpha",
                List.of(ParameterSpec.real(ALPHA, 1.0, "the negative saturation value").range(0.0, 100.0)),
                p -> new Elu(p.getDouble(ALPHA)));
    }

    @Override
    public double value(double x) {
        return x > 0 ? x : alpha * Math.expm1(x);
    }

    @Override
    public double derivative(double x, double y) {
        return x > 0 ? 1.0 : alpha * Math.exp(x);
    }

    @Override
    protected void forward(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            y[i] = v > 0f ? v : (float) (alpha * Math.expm1(v));
        }
    }

    @Override
    protected void backward(float[] x, float[] y, float[] gradY, float[] gradX, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            gradX[i] = v > 0f ? gradY[i] : (float) (alpha * Math.exp(v) * gradY[i]);
        }
    }

    @Override
    public Family family() {
        return alpha == 0.0 ? Family.RECTIFYING : Family.OTHER;
    }

    @Override
    public double maxDerivative() {
        return Math.max(1.0, alpha);
    }

    @Override
    public double[] kinks() {
        return alpha == 1.0 ? new double[0] : new double[] {0.0};
    }
}
