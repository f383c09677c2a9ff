package io.gradlab.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatKernels} on the Vector API. Loaded by name through {@link VectorSupport} only when
 * the JVM has {@code jdk.incubator.vector}. Reductions sum float vectors over blocks of
 * {@value #BLOCK} elements and the blocks' totals in double.
 */
final class VectorKernels implements FloatKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int BLOCK = 1024;

    @Override
    public double sumOfSquares(float[] x, int off, int n) {
        double total = 0;
        for (int from = 0; from < n; from += BLOCK) {
            int len = Math.min(BLOCK, n - from);
            int base = off + from;
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            int i = 0;
            for (; i + 2 * L <= len; i += 2 * L) {
                FloatVector a = FloatVector.fromArray(S, x, base + i);
                FloatVector b = FloatVector.fromArray(S, x, base + i + L);
                acc0 = a.fma(a, acc0);
                acc1 = b.fma(b, acc1);
            }
            double s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
            for (; i < len; i++) {
                double v = x[base + i];
                s += v * v;
            }
            total += s;
        }
        return total;
    }

    @Override
    public void fillRows(float[] dst, float[] row, int cols, int r0, int r1, int c0, int c1) {
        int c = c0;
        // four vectors of the row at a time, held in registers and stored into every row
        for (; c + 4 * L <= c1; c += 4 * L) {
            FloatVector v0 = FloatVector.fromArray(S, row, c);
            FloatVector v1 = FloatVector.fromArray(S, row, c + L);
            FloatVector v2 = FloatVector.fromArray(S, row, c + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, row, c + 3 * L);
            for (int r = r0, off = r0 * cols + c; r < r1; r++, off += cols) {
                v0.intoArray(dst, off);
                v1.intoArray(dst, off + L);
                v2.intoArray(dst, off + 2 * L);
                v3.intoArray(dst, off + 3 * L);
            }
        }
        if (c < c1) {
            for (int r = r0; r < r1; r++) {
                System.arraycopy(row, c, dst, r * cols + c, c1 - c);
            }
        }
    }

    @Override
    public String name() {
        return "vector";
    }
}
