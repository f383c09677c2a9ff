package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import java.util.List;

/**
 * {@code x relu6(x + 3) / 6} (Howard et al. 2019; PyTorch's Hardswish). The derivative is 0 below
 * -3, {@code x/3 + 1/2} on {@code [-3, 3]} and 1 above, as PyTorch computes it.
 */
final class HardSwish extends ElementwiseActivation {
    static final String ID = "hard-swish";

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "hard swish x relu6(x + 3) / 6: piecewise-quadratic swish",
                List.of(), p -> new HardSwish());
    }

    @Override
    public double value(double x) {
        return x * Math.min(Math.max(x + 3.0, 0.0), 6.0) / 6.0;
    }

    @Override
    public double derivative(double x, double y) {
        if (x < -3.0) {
            return 0.0;
        }
        return x <= 3.0 ? x / 3.0 + 0.5 : 1.0;
    }

    @Override
    protected void forward(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            y[i] = v * Math.min(Math.max(v + 3f, 0f), 6f) / 6f;
        }
    }

    @Override
    protected void backward(float[] x, float[] y, float[] gradY, float[] gradX, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            float d = v < -3f ? 0f : v <= 3f ? v / 3f + 0.5f : 1f;
            gradX[i] = d * gradY[i];
        }
    }

    /** At {@code x = 3}: {@code 3/3 + 1/2}. */
    @Override
    public double maxDerivative() {
        return 1.5;
    }

    @Override
    public double[] kinks() {
        return new double[] {-3.0, 3.0};
    }
}
