package io.gradlab.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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
    public void sigmoid(float[] x, float[] y, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            sigmoid(v).intoArray(y, i);
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, x, i, m);
            sigmoid(v).intoArray(y, i, m);
        }
    }

    private static FloatVector sigmoid(FloatVector v) {
        // exp(-|v|) never overflows; s = 1 / (1 + e) is the sigmoid of |v|; fold the sign afterwards
        FloatVector e = v.abs().neg().lanewise(VectorOperators.EXP);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector s = one.div(e.add(1f));
        return s.blend(one.sub(s), v.compare(VectorOperators.LT, 0f));
    }

    @Override
    public void sigmoidBackward(float[] y, float[] gradY, float[] gradX, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector s = FloatVector.fromArray(S, y, i);
            FloatVector g = FloatVector.fromArray(S, gradY, i);
            s.mul(s.neg().add(1f)).mul(g).intoArray(gradX, i);
        }
        for (; i < n; i++) {
            float s = y[i];
            gradX[i] = s * (1f - s) * gradY[i];
        }
    }

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
    public double dot(float[] a, float[] b, int n) {
        double total = 0;
        for (int from = 0; from < n; from += BLOCK) {
            int len = Math.min(BLOCK, n - from);
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            int i = 0;
            for (; i + 2 * L <= len; i += 2 * L) {
                int p = from + i;
                acc0 = FloatVector.fromArray(S, a, p).fma(FloatVector.fromArray(S, b, p), acc0);
                acc1 = FloatVector.fromArray(S, a, p + L).fma(FloatVector.fromArray(S, b, p + L), acc1);
            }
            double s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
            for (; i < len; i++) {
                s += (double) a[from + i] * b[from + i];
            }
            total += s;
        }
        return total;
    }

    @Override
    public String name() {
        return "vector";
    }
}
