package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import java.util.List;

/** {@code max(0, x)}; the derivative at 0 is taken as 0 (as in PyTorch). */
final class Relu extends ElementwiseActivation {
    static final String ID = "relu";

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "rectified linear unit max(0, x): no saturation for x > 0, dead for x < 0",
                List.of(), p -> new Relu());
    }

    @Override
    public double value(double x) {
        return x > 0 ? x : 0.0;
    }

    @Override
    public double derivative(double x, double y) {
        return x > 0 ? 1.0 : 0.0;
    }

    @Override
    protected void forward(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = x[i] > 0f ? x[i] : 0f;
        }
    }

    @Override
    protected void backward(float[] x, float[] y, float[] gradY, float[] gradX, int n) {
        for (int i = 0; i < n; i++) {
            gradX[i] = x[i] > 0f ? gradY[i] : 0f;
        }
    }

    @Override
    public Family family() {
        return Family.RECTIFYING;
    }

    @Override
    public double maxDerivative() {
        return 1.0;
    }

    @Override
    public double[] kinks() {
        return new double[] {0.0};
    }
}
