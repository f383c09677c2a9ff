package io.gradlab.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatKernels} on the Vector API. Loaded by name through {@link VectorSupport} only when
 * the JVM has {@code jdk.incubator.vector}.
 */
final class VectorKernels implements FloatKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

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
