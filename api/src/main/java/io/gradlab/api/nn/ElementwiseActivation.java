package io.gradlab.api.nn;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;

/**
 * A stateless activation given by its value and derivative. The float32 array paths loop over the
 * double functions; override them for speed (and keep the tails finite: no NaN at ±1000).
 */
public abstract class ElementwiseActivation implements Activation {

    /** {@code f(x)}. */
    public abstract double value(double x);

    /** {@code f'(x)}, given {@code y = f(x)} (sigmoid uses {@code y (1 - y)}). */
    public abstract double derivative(double x, double y);

    @Override
    public final void forward(Tensor x, Tensor y) {
        int n = x.size();
        if (x.dtype() == DType.F32 && y.dtype() == DType.F32) {
            forward(x.floats(), y.floats(), n);
        } else if (x.dtype() == DType.F64 && y.dtype() == DType.F64) {
            double[] xs = x.doubles();
            double[] ys = y.doubles();
            for (int i = 0; i < n; i++) {
                ys[i] = value(xs[i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                y.set(i, value(x.get(i)));
            }
        }
    }

    @Override
    public final void backward(Tensor x, Tensor y, Tensor gradY, Tensor gradX) {
        int n = x.size();
        if (x.dtype() == DType.F32 && y.dtype() == DType.F32) {
            backward(x.floats(), y.floats(), gradY.floats(), gradX.floats(), n);
        } else if (x.dtype() == DType.F64) {
            double[] xs = x.doubles();
            double[] ys = y.doubles();
            double[] gy = gradY.doubles();
            double[] gx = gradX.doubles();
            for (int i = 0; i < n; i++) {
                gx[i] = derivative(xs[i], ys[i]) * gy[i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                gradX.set(i, derivative(x.get(i), y.get(i)) * gradY.get(i));
            }
        }
    }

    /**
     * Adds to {@code counts[u]}, for every unit {@code u}, the rows {@code r} whose element
     * {@code [r, u]} has {@code |derivative(x, y)| < limit}, the derivative computed in double from
     * the float32 {@code x} and {@code y} ({@code rows x units}, row-major; NaN is never below): how
     * often each unit was saturated, which saturation diagnostics count. Nothing is below a limit
     * that is not positive. This default evaluates {@link #derivative} element by element; an
     * activation with a cheaper test that gives exactly the same counts may override it.
     */
    public void countSmallDerivatives(float[] x, float[] y, int rows, int units, double limit, long[] counts) {
        if (!(limit > 0)) {
            return;
        }
        // |d| < limit as integer arithmetic on the bits (both positive doubles order like their bits;
        // NaN's bits are above every limit's): the outcome is added, not branched on, since which
        // elements are below is as good as random, and a mispredicted branch cost most of the time
        long bits = Double.doubleToRawLongBits(limit);
        for (int r = 0; r < rows; r++) {
            int base = r * units;
            for (int u = 0; u < units; u++) {
                double d = derivative(x[base + u], y[base + u]);
                counts[u] += ((Double.doubleToRawLongBits(d) & Long.MAX_VALUE) - bits) >>> 63;
            }
        }
    }

    /** The float32 forward path over {@code n} elements. */
    protected void forward(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = (float) value(x[i]);
        }
    }

    /** The float32 backward path over {@code n} elements. */
    protected void backward(float[] x, float[] y, float[] gradY, float[] gradX, int n) {
        for (int i = 0; i < n; i++) {
            gradX[i] = (float) (derivative(x[i], y[i]) * gradY[i]);
        }
    }
}
