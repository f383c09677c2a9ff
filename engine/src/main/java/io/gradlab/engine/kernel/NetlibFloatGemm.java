package io.gradlab.engine.kernel;

import static java.util.Objects.requireNonNull;

import dev.ludovic.netlib.blas.BLAS;

/**
 * {@link FloatGemm} on a netlib BLAS. Row-major matrices are passed to the column-major BLAS as
 * their transposes: {@code C = A B} is computed as {@code C^T = B^T A^T}.
 */
final class NetlibFloatGemm implements FloatGemm {
    private final BLAS blas;

    NetlibFloatGemm(BLAS blas) {
        this.blas = requireNonNull(blas, "blas is null");
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        blas.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha, b, bOff, ldb, a, aOff, lda, beta, c, cOff, ldc);
    }

    @Override
    public String backend() {
        return backendOf(blas);
    }

    static String backendOf(BLAS blas) {
        String name = blas.getClass().getSimpleName();
        if (name.startsWith("JNI")) {
            return "native-openblas";
        }
        if (name.contains("VectorBLAS")) {
            return "java-vector";
        }
        return "java";
    }
}
