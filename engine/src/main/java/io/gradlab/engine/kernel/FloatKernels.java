package io.gradlab.engine.kernel;

/**
 * The float32 kernel of {@link BlasOps}'s own bias fill of a product: the Vector API version when
 * the JVM runs with {@code --add-modules jdk.incubator.vector}, plain loops otherwise ({@link #get()}).
 * Elementwise programs run on {@link BlockEval}.
 */
public interface FloatKernels {
    /** The kernels for this JVM. */
    static FloatKernels get() {
        return VectorSupport.KERNELS;
    }


    /** Rows {@code [r0, r1)}, columns {@code [c0, c1)} of a row-major matrix of {@code cols} columns set to {@code row[c0, c1)}. */
    void fillRows(float[] dst, float[] row, int cols, int r0, int r1, int c0, int c1);

    /** {@code vector} or {@code scalar}. */
    String name();
}
