package io.gradlab.engine.kernel;

/**
 * A single-threaded float matrix product on row-major matrices with offsets:
 * {@code C = alpha op(A) op(B) + beta C}, {@code op(A)} of {@code m x k}, {@code op(B)} of
 * {@code k x n}, {@code C} of {@code m x n} with row stride {@code ldc}. With {@code beta == 0} the
 * old contents of {@code C} are ignored.
 */
interface FloatGemm {
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc);

    /** {@code native-openblas}, {@code java-vector} or {@code java}. */
    String backend();

    /** More about the backend for a reader (which CPU kernels it runs, and how), or empty. */
    default String detail() {
        return "";
    }
}
