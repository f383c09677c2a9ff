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

    /**
     * The column sums of rows {@code [0, rows)} of a row-major matrix of {@code cols} columns, for the
     * columns {@code [from, to)}: {@code o[c] = beta o[c] + x[0][c] + x[1][c] + ...} ({@code o[c]}
     * ignored when {@code beta} is 0), each column summed in row order (so every kernel gives the same bits).
     */
    void columnSums(float[] x, int rows, int cols, float beta, float[] o, int from, int to);

    /** Rows {@code [r0, r1)}, columns {@code [c0, c1)} of a row-major matrix of {@code cols} columns set to {@code row[c0, c1)}. */
    void fillRows(float[] dst, float[] row, int cols, int r0, int r1, int c0, int c1);

    /**
     * Adds to {@code counts[u]}, for every column {@code u} of the row-major {@code rows x units}
     * matrix {@code y}, the rows whose element lies in {@code [0, low]} or in {@code [high, 1]}.
     * Elements outside {@code [0, 1]} (NaN included) are not counted; returns whether there were any.
     */
    boolean countInBands(float[] y, int rows, int units, float low, float high, long[] counts);

    /** {@code vector} or {@code scalar}. */
    String name();
}
