package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import java.util.List;

/** Mish {@code x tanh(softplus(x))} (Misra 2019; PyTorch's Mish). */
final class Mish extends ElementwiseActivation {
    static final String ID = "mish";

    /** The largest derivative, ≈ 1.0886 near x = 1.19. */
    static final double MAX_DERIVATIVE = SpecialFunctions.maximum(Mish::derivativeOf, 0.0, 5.0);

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "mish x tanh(softplus(x)): smooth, non-monotonic, unbounded above",
                List.of(), p -> new Mish());
    }

    @Override
    public double value(double x) {
        return valueOf(x);
    }

    @Override
    public double derivative(double x, double y) {
        return derivativeOf(x);
    }

    private static double valueOf(double x) {
        return x * Math.tanh(SpecialFunctions.softplus(x));
    }

    /** {@code tanh(sp) + x sech²(sp) sigmoid(x)} with {@code sp = softplus(x)}; sech² as {@code 1/cosh²}, which is 0 past overflow. */
    private static double derivativeOf(double x) {
        double sp = SpecialFunctions.softplus(x);
        double cosh = Math.cosh(sp);
        return Math.tanh(sp) + x * SpecialFunctions.sigmoid(x) / (cosh * cosh);
    }

    @Override
    protected void forward(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = (float) valueOf(x[i]);
        }
    }

    @Override
    protected void backward(float[] x, float[] y, float[] gradY, float[] gradX, int n) {
        for (int i = 0; i < n; i++) {
            gradX[i] = (float) (derivativeOf(x[i]) * gradY[i]);
        }
    }

    @Override
    public double maxDerivative() {
        return MAX_DERIVATIVE;
    }
}
