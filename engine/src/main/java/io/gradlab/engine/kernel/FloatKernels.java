package io.gradlab.engine.kernel;

/**
 * Float32 elementwise and reduction kernels of the training step's hot paths: the Vector API
 * versions when the JVM runs with {@code --add-modules jdk.incubator.vector}, plain loops
 * otherwise ({@link #get()}). Both are deterministic; they may differ from each other in the last
 * bits (a vectorized {@code exp}, another summation order).
 */
public interface FloatKernels {
    /** The kernels for this JVM. */
    static FloatKernels get() {
        return VectorSupport.KERNELS;
    }

    /** {@code y[i] = 1 / (1 + exp(-x[i]))} for {@code from <= i < to}; in [0, 1] for every non-NaN input. */
    void sigmoid(float[] x, float[] y, int from, int to);

    /** {@code gradX[i] = y[i] (1 - y[i]) gradY[i]} for {@code from <= i < to}: the sigmoid's backward pass from its output. */
    void sigmoidBackward(float[] y, float[] gradY, float[] gradX, int from, int to);

    /** The sum of {@code x[off + i]^2} for {@code i < n}. */
    double sumOfSquares(float[] x, int off, int n);

    /** The sum of {@code a[i] b[i]} for {@code i < n}. */
    double dot(float[] a, float[] b, int n);

    /** {@code vector} or {@code scalar}. */
    String name();
}
