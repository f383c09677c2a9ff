package io.gradlab.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A register-blocked float matrix product on the Vector API, for machines without a native BLAS.
 * GotoBLAS-style: {@code op(B)} is packed in panels of {@code NR = 2} vectors and {@code op(A)} in
 * panels of {@code MR = 6} rows, per block of {@code KC} of the shared dimension; a 6 x 2-vector
 * micro-kernel keeps its 12 accumulators in registers. Each thread packs into its own buffers
 * (kept per thread, so that the steady state allocates nothing). Loaded by name through
 * {@link VectorSupport} only when the JVM has {@code jdk.incubator.vector}.
 */
final class VectorGemm implements FloatGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = 6;
    private static final int NR = 2 * L;
    private static final int KC = 256;
    private static final int MC = 20 * MR;
    private static final int NC = 512;

    private final ThreadLocal<float[][]> buffers = ThreadLocal.withInitial(
            () -> new float[][] {new float[KC * (NC + NR)], new float[KC * (MC + MR)], new float[MR * NR]});

    @Override
    public String backend() {
        return "java-vector";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (beta != 1f) {
            for (int i = 0; i < m; i++) {
                int row = cOff + i * ldc;
                for (int j = 0; j < n; j++) {
                    c[row + j] = beta == 0f ? 0f : beta * c[row + j];
                }
            }
        }
        if (k == 0 || alpha == 0f) {
            return;
        }
        float[][] buf = buffers.get();
        float[] bp = buf[0];
        float[] ap = buf[1];
        float[] tile = buf[2];
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(transA, a, aOff, lda, ic, mc, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            kernel(kc, ap, ir * kc, bp, jr * kc, tile);
                            addTile(tile, alpha, c, cOff + (ic + ir) * ldc + jc + jr, ldc, mr, nr);
                        }
                    }
                }
            }
        }
    }

    /** Packs {@code op(B)[pc .. pc+kc, jc .. jc+nc]} as panels of NR columns, each {@code kc x NR}, zero-padded. */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int panel = jr * kc;
            for (int p = 0; p < kc; p++) {
                int dst = panel + p * NR;
                if (transB) {
                    int src = bOff + (jc + jr) * ldb + pc + p;
                    for (int j = 0; j < nr; j++) {
                        bp[dst + j] = b[src + j * ldb];
                    }
                } else {
                    System.arraycopy(b, bOff + (pc + p) * ldb + jc + jr, bp, dst, nr);
                }
                java.util.Arrays.fill(bp, dst + nr, dst + NR, 0f); // the panel's padding
            }
        }
    }

    /** Packs {@code op(A)[ic .. ic+mc, pc .. pc+kc]} as panels of MR rows, each {@code kc x MR}, zero-padded. */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int panel = ir * kc;
            if (transA) {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + ir;
                    int dst = panel + p * MR;
                    System.arraycopy(a, src, ap, dst, mr);
                    java.util.Arrays.fill(ap, dst + mr, dst + MR, 0f); // the panel's padding
                }
            } else {
                for (int r = 0; r < MR; r++) {
                    if (r < mr) {
                        int src = aOff + (ic + ir + r) * lda + pc;
                        for (int p = 0; p < kc; p++) {
                            ap[panel + p * MR + r] = a[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            ap[panel + p * MR + r] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code tile = Apanel * Bpanel} over {@code kc}: 12 vector accumulators. Kept small and free of
     * masks and branches so that C2 keeps every vector in a register (a vector that escapes is boxed,
     * and the kernel then runs several times slower).
     */
    private static void kernel(int kc, float[] ap, int aBase, float[] bp, int bBase, float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S);
        FloatVector c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S);
        FloatVector c51 = FloatVector.zero(S);
        int pa = aBase;
        int pb = bBase;
        for (int p = 0; p < kc; p++, pa += MR, pb += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector a0 = FloatVector.broadcast(S, ap[pa]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[pa + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[pa + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[pa + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, ap[pa + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, ap[pa + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
    }

    /** {@code C[0..mr, 0..nr] += alpha * tile}. */
    private static void addTile(float[] tile, float alpha, float[] c, int cBase, int ldc, int mr, int nr) {
        if (nr == NR) {
            FloatVector al = FloatVector.broadcast(S, alpha);
            for (int r = 0; r < mr; r++) {
                int at = cBase + r * ldc;
                FloatVector.fromArray(S, tile, r * NR).fma(al, FloatVector.fromArray(S, c, at)).intoArray(c, at);
                FloatVector.fromArray(S, tile, r * NR + L).fma(al, FloatVector.fromArray(S, c, at + L)).intoArray(c, at + L);
            }
        } else {
            for (int r = 0; r < mr; r++) {
                int at = cBase + r * ldc;
                for (int j = 0; j < nr; j++) {
                    c[at + j] = Math.fma(tile[r * NR + j], alpha, c[at + j]);
                }
            }
        }
    }
}
