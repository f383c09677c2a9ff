package ${package};

import io.gradlab.api.nn.ElementwiseActivation;

/**
 * The bent identity {@code f(x) = (sqrt(x² + 1) - 1) / 2 + x}: smooth, monotonic, unbounded on both
 * sides, with a derivative {@code x / (2 sqrt(x² + 1)) + 1} between 0.5 and 1.5, so it neither
 * saturates nor dies.
 *
 * <p>A stateless activation only needs {@link #value} and {@link #derivative}; the float32 loops
 * are overridden here for speed (optional: the defaults call the double functions).
 */
public final class BentIdentity extends ElementwiseActivation {

    @Override
    public double value(double x) {
        // hypot(x, 1) = sqrt(x² + 1) without overflow for huge |x|
        return (Math.hypot(x, 1.0) - 1.0) / 2.0 + x;
    }

    @Override
    public double derivative(double x, double y) {
        return x / (2.0 * Math.hypot(x, 1.0)) + 1.0;
    }

    @Override
    protected void forward(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[i];
            y[i] = (float) ((Math.hypot(v, 1.0) - 1.0) / 2.0 + v);
        }
    }

    @Override
    protected void backward(float[] x, float[] y, float[] gradY, float[] gradX, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[i];
            gradX[i] = (float) ((v / (2.0 * Math.hypot(v, 1.0)) + 1.0) * gradY[i]);
        }
    }

    /** The supremum, approached as x grows: diagnostics compare derivatives against it. */
    @Override
    public double maxDerivative() {
        return 1.5;
    }
}
