package io.gradlab.engine.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final int BLOCK = 1024;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float MAGIC = 12582912f;
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);

    @Override
    public void sigmoid(float[] x, float[] y, int from, int to) {
        // the whole computation is written out in the loop: C2 keeps vectors in registers only within
        // one compiled method, and would not inline a helper it had already compiled large (the vectors
        // crossing the call would then be boxed, several times slower and allocating)
        // cheap operations only: the clamp at -87 is a compare and a blend (FloatVector.max costs several
        // instructions on x86 for Java's NaN rule); 2^n is (n + 127) shifted into the exponent (a shift,
        // not the slow 32-bit vector multiply); a NaN input needs no test of its own, since it
        // propagates through the polynomial and the division (NaN * any scale is NaN)
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector magic = FloatVector.broadcast(S, MAGIC);
        IntVector bias = IntVector.broadcast(IS, 127);
        IntVector magicInt = IntVector.broadcast(IS, MAGIC_BITS);
        FloatVector lo = FloatVector.broadcast(S, -87f);
        FloatVector log2e = FloatVector.broadcast(S, LOG2E);
        FloatVector ln2hi = FloatVector.broadcast(S, -LN2_HI);
        FloatVector ln2lo = FloatVector.broadcast(S, -LN2_LO);
        FloatVector p0 = FloatVector.broadcast(S, 1.9875691500e-4f);
        FloatVector p1 = FloatVector.broadcast(S, 1.3981999507e-3f);
        FloatVector p2 = FloatVector.broadcast(S, 8.3334519073e-3f);
        FloatVector p3 = FloatVector.broadcast(S, 4.1665795894e-2f);
        FloatVector p4 = FloatVector.broadcast(S, 1.6666665459e-1f);
        FloatVector p5 = FloatVector.broadcast(S, 5.0000001201e-1f);
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        int upper = from + S.loopBound(to - from);
        for (; i < upper; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector nx = v.abs().neg();
            FloatVector xc = nx.blend(lo, nx.compare(VectorOperators.LT, lo));
            FloatVector k = xc.fma(log2e, magic);
            FloatVector nf = k.sub(magic);
            IntVector n = k.reinterpretAsInts().sub(magicInt);
            FloatVector r = nf.fma(ln2hi, xc);
            r = nf.fma(ln2lo, r);
            FloatVector p = p0.fma(r, p1);
            p = p.fma(r, p2);
            p = p.fma(r, p3);
            p = p.fma(r, p4);
            p = p.fma(r, p5);
            FloatVector er = p.fma(r.mul(r), r).add(one);
            FloatVector e = er.mul(n.add(bias).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            FloatVector s = one.div(e.add(one));
            s.blend(one.sub(s), v.compare(VectorOperators.LT, zero)).intoArray(y, i);
        }
        if (i < to) {
            VectorMask<Float> m = S.indexInRange(i, to);
            FloatVector v = FloatVector.fromArray(S, x, i, m);
            sigmoid(v).intoArray(y, i, m);
        }
    }

    private static FloatVector sigmoid(FloatVector v) {
        // exp(-|v|) never overflows; s = 1 / (1 + e) is the sigmoid of |v|; fold the sign afterwards
        FloatVector e = expNonPositive(v.abs().neg());
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector s = one.div(e.add(1f));
        return s.blend(one.sub(s), v.compare(VectorOperators.LT, 0f));
    }

    /**
     * {@code exp(x)} for {@code x <= 0} (NaN stays NaN), within 2 ulp: Cephes' {@code expf}.
     * {@code x = n ln2 + r} with {@code |r| <= ln2 / 2}, a degree-6 polynomial for {@code exp(r)},
     * and {@code 2^n} built from its exponent bits. Written with plain vector arithmetic because the
     * Vector API's own {@code EXP} runs lane by lane in Java on JDK 17 unless the JVM is started with
     * the experimental {@code -XX:+UseVectorStubs}. Below -87 (where {@code 2^n} would be subnormal)
     * the result is {@code exp(-87) = 1.6e-38}: a sigmoid of -87 or less is that small either way.
     * The same operations as the loop in {@link #sigmoid(float[], float[], int, int)}, so that its
     * masked tail gives the same bits: the clamp a compare and a blend, {@code 2^n} a shift, and a NaN
     * propagating through the polynomial without a test of its own.
     */
    private static FloatVector expNonPositive(FloatVector x) {
        FloatVector lo = FloatVector.broadcast(S, -87f);
        FloatVector xc = x.blend(lo, x.compare(VectorOperators.LT, lo));
        // round x / ln2 to the nearest integer n: adding 1.5 * 2^23 leaves n in the low mantissa bits
        // (the Vector API's float-int conversions are not compiled to vector instructions on JDK 17)
        FloatVector k = xc.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, MAGIC));
        FloatVector nf = k.sub(MAGIC);
        IntVector n = k.reinterpretAsInts().sub(MAGIC_BITS);
        FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = nf.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(S, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
        FloatVector er = p.fma(r.mul(r), r).add(1f);
        FloatVector scale = n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats(); // (n + 127) << 23, in [1, 254] << 23
        return er.mul(scale);
    }

    @Override
    public void sigmoidBackward(float[] y, float[] gradY, float[] gradX, int from, int to) {
        int i = from;
        int upper = from + S.loopBound(to - from);
        for (; i < upper; i += L) {
            FloatVector s = FloatVector.fromArray(S, y, i);
            FloatVector g = FloatVector.fromArray(S, gradY, i);
            s.mul(s.neg().add(1f)).mul(g).intoArray(gradX, i);
        }
        for (; i < to; i++) {
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
    public void columnSums(float[] x, int rows, int cols, float beta, float[] o, int from, int to) {
        int c = from;
        // four vectors of columns at a time, kept in registers down the rows
        for (; c + 4 * L <= to; c += 4 * L) {
            FloatVector a0 = start(o, c, beta);
            FloatVector a1 = start(o, c + L, beta);
            FloatVector a2 = start(o, c + 2 * L, beta);
            FloatVector a3 = start(o, c + 3 * L, beta);
            for (int r = 0, off = c; r < rows; r++, off += cols) {
                a0 = a0.add(FloatVector.fromArray(S, x, off));
                a1 = a1.add(FloatVector.fromArray(S, x, off + L));
                a2 = a2.add(FloatVector.fromArray(S, x, off + 2 * L));
                a3 = a3.add(FloatVector.fromArray(S, x, off + 3 * L));
            }
            a0.intoArray(o, c);
            a1.intoArray(o, c + L);
            a2.intoArray(o, c + 2 * L);
            a3.intoArray(o, c + 3 * L);
        }
        for (; c + L <= to; c += L) {
            FloatVector a = start(o, c, beta);
            for (int r = 0, off = c; r < rows; r++, off += cols) {
                a = a.add(FloatVector.fromArray(S, x, off));
            }
            a.intoArray(o, c);
        }
        ScalarKernels.columnSumsRange(x, rows, cols, beta, o, c, to);
    }

    /** {@code beta o[c ..]}, or zeros when beta is 0 (o may hold anything then). */
    private static FloatVector start(float[] o, int c, float beta) {
        return beta == 0f ? FloatVector.zero(S) : FloatVector.fromArray(S, o, c).mul(beta);
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

    /** Rows counted in float lanes at a time: every count up to 2^24 is exact in a float. */
    private static final int COUNT_ROWS = 1 << 24;

    @Override
    public boolean countInBands(float[] y, int rows, int units, float low, float high, long[] counts) {
        // one vector of columns at a time, down all rows: the counts stay in a register (float lanes,
        // exact up to 2^24), each element is read once
        FloatVector one = FloatVector.broadcast(S, 1f);
        boolean outside = false;
        for (int u = 0; u < units; u += L) {
            VectorMask<Float> lanes = S.indexInRange(u, units);
            boolean full = lanes.allTrue();
            for (int r0 = 0; r0 < rows; r0 += COUNT_ROWS) {
                int r1 = Math.min(rows, r0 + COUNT_ROWS);
                FloatVector acc = FloatVector.zero(S);
                VectorMask<Float> out = S.maskAll(false);
                for (int r = r0, off = r0 * units + u; r < r1; r++, off += units) {
                    FloatVector v = full ? FloatVector.fromArray(S, y, off) : FloatVector.fromArray(S, y, off, lanes);
                    VectorMask<Float> in = v.compare(VectorOperators.GE, 0f).and(v.compare(VectorOperators.LE, 1f));
                    VectorMask<Float> band = v.compare(VectorOperators.LE, low).or(v.compare(VectorOperators.GE, high));
                    acc = acc.add(one, band.and(in));
                    out = out.or(in.not()); // the lanes a masked load left out read 0: inside
                }
                outside |= out.anyTrue();
                for (int i = 0; i < L && u + i < units; i++) {
                    counts[u + i] += (long) acc.lane(i);
                }
            }
        }
        return outside;
    }

    @Override
    public String name() {
        return "vector";
    }
}
