package io.gradlab.engine.kernel;

import io.gradlab.api.tensor.Expr;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BlockEval} on {@code float[]} with the Vector API; loaded by name through {@link VectorSupport}
 * only when the JVM has {@code jdk.incubator.vector}. Arithmetic is IEEE-exact as in plain Java;
 * {@code exp}, {@code tanh} and the sigmoid are polynomial vector kernels (Cephes) within a few ulp;
 * {@code expm1}, {@code log}, {@code log1p} and {@code erf} are computed element by element in double.
 *
 * <p>Each instruction is one loop in its own method, with its vectors created inside it: C2 keeps
 * vectors in registers only within one compiled method (vectors that cross a call it did not inline
 * are boxed, several times slower and allocating).
 */
final class VectorBlockEval implements BlockEval {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final Expr.Op[] OPS = Expr.Op.values();
    static final float LOG2E = 1.44269504088896341f;
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    static final float MAGIC = 12582912f;
    /**
     * A vector whose exponentials' arguments are all within this of 0 (every vector of a trained
     * network's sigmoids and tanhs but a saturated one's) needs no clamp, and its 2^n is one power of
     * two, a normal float ({@code |n| <= 126}): multiplying by it rounds once, as multiplying by its two
     * halves does (the first product is exact), so both forms give the same bits, and the loops (and
     * {@link VectorProgramGenerator}'s) take the shorter one for such a vector.
     */
    static final float IN_RANGE = 87f;
    static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);
    /** Cephes' expf polynomial, highest degree first (the loops below and {@link VectorProgramGenerator} use it). */
    static final float[] EXP_POLY = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f, 4.1665795894e-2f, 1.6666665459e-1f,
        5.0000001201e-1f};
    /** Cephes' tanhf polynomial below 0.625, highest degree first. */
    static final float[] TANH_POLY = {-5.70498872745e-3f, 2.06390887954e-2f, -5.37397155531e-2f, 1.33314422036e-1f, -3.33332819422e-1f};

    @Override
    public void exec(int op, Object d, int dOff, Object a, int aOff, Object b, int bOff, Object c, int cOff, int n) {
        float[] y = (float[]) d;
        float[] x = (float[]) a;
        if (op == COPY) {
            System.arraycopy(x, aOff, y, dOff, n);
            return;
        }
        Loop loop = LOOPS[op];
        if (loop == null) {
            ScalarFloatEval.INSTANCE.exec(op, d, dOff, a, aOff, b, bOff, c, cOff, n);
        } else {
            loop.run(y, dOff, x, aOff, (float[]) b, bOff, (float[]) c, cOff, n);
        }
    }

    /**
     * One instruction's loop. The instructions are reached through this interface, one class per
     * instruction, so that the call in {@link #exec} sees many receivers and C2 compiles each loop on
     * its own instead of inlining them all into {@code exec}: a compilation has an inlining budget,
     * and once the loops of many instructions had used it up, the Vector API's own methods in the
     * next one were no longer inlined and every vector was boxed (hundreds of kilobytes per step).
     */
    private interface Loop {
        void run(float[] y, int dOff, float[] x, int aOff, float[] b, int bOff, float[] c, int cOff, int n);
    }

    private static final Loop[] LOOPS = loops();

    private static Loop[] loops() {
        Loop[] l = new Loop[OPS.length];
        l[Expr.Op.ADD.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> add(y, dOff, x, aOff, b, bOff, n);
        l[Expr.Op.SUB.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> sub(y, dOff, x, aOff, b, bOff, n);
        l[Expr.Op.MUL.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> mul(y, dOff, x, aOff, b, bOff, n);
        l[Expr.Op.DIV.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> div(y, dOff, x, aOff, b, bOff, n);
        l[Expr.Op.MAX.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> max(y, dOff, x, aOff, b, bOff, n);
        l[Expr.Op.MIN.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> min(y, dOff, x, aOff, b, bOff, n);
        l[Expr.Op.GT.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> gt(y, dOff, x, aOff, b, bOff, n);
        l[Expr.Op.GE.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> ge(y, dOff, x, aOff, b, bOff, n);
        l[Expr.Op.LT.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> lt(y, dOff, x, aOff, b, bOff, n);
        l[Expr.Op.LE.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> le(y, dOff, x, aOff, b, bOff, n);
        l[Expr.Op.NEG.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> neg(y, dOff, x, aOff, n);
        l[Expr.Op.ABS.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> abs(y, dOff, x, aOff, n);
        l[Expr.Op.SQUARE.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> square(y, dOff, x, aOff, n);
        l[Expr.Op.SQRT.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> sqrt(y, dOff, x, aOff, n);
        l[Expr.Op.EXP.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> expLoop(y, dOff, x, aOff, n);
        l[Expr.Op.TANH.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> tanhLoop(y, dOff, x, aOff, n);
        l[Expr.Op.SIGMOID.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> sigmoidLoop(y, dOff, x, aOff, n);
        l[Expr.Op.WHERE.ordinal()] = (y, dOff, x, aOff, b, bOff, c, cOff, n) -> where(y, dOff, x, aOff, b, bOff, c, cOff, n);
        return l;
    }

    private static void where(float[] y, int dOff, float[] cs, int aOff, float[] ts, int bOff, float[] fs, int cOff, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            VectorMask<Float> m = FloatVector.fromArray(S, cs, aOff + i).compare(VectorOperators.NE, 0f);
            FloatVector.fromArray(S, fs, cOff + i).blend(FloatVector.fromArray(S, ts, bOff + i), m).intoArray(y, dOff + i);
        }
        for (; i < n; i++) {
            y[dOff + i] = cs[aOff + i] != 0 ? ts[bOff + i] : fs[cOff + i];
        }
    }

    private static void add(float[] y, int dOff, float[] xs, int aOff, float[] zs, int bOff, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            FloatVector z = FloatVector.fromArray(S, zs, bOff + i);
            x.add(z).intoArray(y, dOff + i);
        }
        for (; i < n; i++) {
            float xa = xs[aOff + i];
            float za = zs[bOff + i];
            y[dOff + i] = xa + za;
        }
    }

    private static void sub(float[] y, int dOff, float[] xs, int aOff, float[] zs, int bOff, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            FloatVector z = FloatVector.fromArray(S, zs, bOff + i);
            x.sub(z).intoArray(y, dOff + i);
        }
        for (; i < n; i++) {
            float xa = xs[aOff + i];
            float za = zs[bOff + i];
            y[dOff + i] = xa - za;
        }
    }

    private static void mul(float[] y, int dOff, float[] xs, int aOff, float[] zs, int bOff, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            FloatVector z = FloatVector.fromArray(S, zs, bOff + i);
            x.mul(z).intoArray(y, dOff + i);
        }
        for (; i < n; i++) {
            float xa = xs[aOff + i];
            float za = zs[bOff + i];
            y[dOff + i] = xa * za;
        }
    }

    private static void div(float[] y, int dOff, float[] xs, int aOff, float[] zs, int bOff, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            FloatVector z = FloatVector.fromArray(S, zs, bOff + i);
            x.div(z).intoArray(y, dOff + i);
        }
        for (; i < n; i++) {
            float xa = xs[aOff + i];
            float za = zs[bOff + i];
            y[dOff + i] = xa / za;
        }
    }

    private static void max(float[] y, int dOff, float[] xs, int aOff, float[] zs, int bOff, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            FloatVector z = FloatVector.fromArray(S, zs, bOff + i);
            x.max(z).intoArray(y, dOff + i);
        }
        for (; i < n; i++) {
            float xa = xs[aOff + i];
            float za = zs[bOff + i];
            y[dOff + i] = Math.max(xa, za);
        }
    }

    private static void min(float[] y, int dOff, float[] xs, int aOff, float[] zs, int bOff, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            FloatVector z = FloatVector.fromArray(S, zs, bOff + i);
            x.min(z).intoArray(y, dOff + i);
        }
        for (; i < n; i++) {
            float xa = xs[aOff + i];
            float za = zs[bOff + i];
            y[dOff + i] = Math.min(xa, za);
        }
    }

    private static void gt(float[] y, int dOff, float[] xs, int aOff, float[] zs, int bOff, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            FloatVector z = FloatVector.fromArray(S, zs, bOff + i);
            zero.blend(one, x.compare(VectorOperators.GT, z)).intoArray(y, dOff + i);
        }
        for (; i < n; i++) {
            float xa = xs[aOff + i];
            float za = zs[bOff + i];
            y[dOff + i] = xa > za ? 1f : 0f;
        }
    }

    private static void ge(float[] y, int dOff, float[] xs, int aOff, float[] zs, int bOff, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            FloatVector z = FloatVector.fromArray(S, zs, bOff + i);
            zero.blend(one, x.compare(VectorOperators.GE, z)).intoArray(y, dOff + i);
        }
        for (; i < n; i++) {
            float xa = xs[aOff + i];
            float za = zs[bOff + i];
            y[dOff + i] = xa >= za ? 1f : 0f;
        }
    }

    private static void lt(float[] y, int dOff, float[] xs, int aOff, float[] zs, int bOff, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            FloatVector z = FloatVector.fromArray(S, zs, bOff + i);
            zero.blend(one, x.compare(VectorOperators.LT, z)).intoArray(y, dOff + i);
        }
        for (; i < n; i++) {
            float xa = xs[aOff + i];
            float za = zs[bOff + i];
            y[dOff + i] = xa < za ? 1f : 0f;
        }
    }

    private static void le(float[] y, int dOff, float[] xs, int aOff, float[] zs, int bOff, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            FloatVector z = FloatVector.fromArray(S, zs, bOff + i);
            zero.blend(one, x.compare(VectorOperators.LE, z)).intoArray(y, dOff + i);
        }
        for (; i < n; i++) {
            float xa = xs[aOff + i];
            float za = zs[bOff + i];
            y[dOff + i] = xa <= za ? 1f : 0f;
        }
    }

    private static void neg(float[] y, int dOff, float[] xs, int aOff, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            x.neg().intoArray(y, dOff + i);
        }
        for (; i < n; i++) {
            float xa = xs[aOff + i];
            y[dOff + i] = -xa;
        }
    }

    private static void abs(float[] y, int dOff, float[] xs, int aOff, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            x.abs().intoArray(y, dOff + i);
        }
        for (; i < n; i++) {
            float xa = xs[aOff + i];
            y[dOff + i] = Math.abs(xa);
        }
    }

    private static void square(float[] y, int dOff, float[] xs, int aOff, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            x.mul(x).intoArray(y, dOff + i);
        }
        for (; i < n; i++) {
            float xa = xs[aOff + i];
            y[dOff + i] = xa * xa;
        }
    }

    private static void sqrt(float[] y, int dOff, float[] xs, int aOff, int n) {
        int i = 0;
        int upper = S.loopBound(n);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            x.sqrt().intoArray(y, dOff + i);
        }
        for (; i < n; i++) {
            float xa = xs[aOff + i];
            y[dOff + i] = (float) Math.sqrt(xa);
        }
    }







    /*
     * exp, the sigmoid and tanh: each loop is written out whole, the exponential inline (Cephes' expf
     * within 2 ulp: x = n ln2 + r with |r| <= ln2 / 2, a degree-6 polynomial for exp(r), and 2^n applied
     * as two powers of two built from exponent bits, so that results down to the subnormals are right;
     * x clamped to [-104, 88.75], NaN propagating; a vector within {@link #IN_RANGE} takes one power of
     * two and no clamp, the same bits). A helper method taking and returning vectors is
     * inlined by C2 only while the caller's inlining budget lasts; once it is not, every vector crossing
     * the call is boxed (megabytes per step, several times slower). A loop that holds its whole
     * computation has no such call. The Vector API's own EXP runs lane by lane on JDK 17.
     */

    private static void expLoop(float[] y, int dOff, float[] xs, int aOff, int len) {
        FloatVector lo = FloatVector.broadcast(S, -104f);
        FloatVector hi = FloatVector.broadcast(S, 88.75f);
        FloatVector log2e = FloatVector.broadcast(S, LOG2E);
        FloatVector magic = FloatVector.broadcast(S, MAGIC);
        FloatVector ln2hi = FloatVector.broadcast(S, -LN2_HI);
        FloatVector ln2lo = FloatVector.broadcast(S, -LN2_LO);
        FloatVector p0 = FloatVector.broadcast(S, 1.9875691500e-4f);
        FloatVector p1 = FloatVector.broadcast(S, 1.3981999507e-3f);
        FloatVector p2 = FloatVector.broadcast(S, 8.3334519073e-3f);
        FloatVector p3 = FloatVector.broadcast(S, 4.1665795894e-2f);
        FloatVector p4 = FloatVector.broadcast(S, 1.6666665459e-1f);
        FloatVector p5 = FloatVector.broadcast(S, 5.0000001201e-1f);
        FloatVector one = FloatVector.broadcast(S, 1f);
        IntVector magicBits = IntVector.broadcast(IS, MAGIC_BITS);
        IntVector bias = IntVector.broadcast(IS, 127);
        int i = 0;
        int upper = S.loopBound(len);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            if (!x.abs().compare(VectorOperators.GT, IN_RANGE).anyTrue()) {
                FloatVector k = x.fma(log2e, magic);
                FloatVector nf = k.sub(magic);
                IntVector n = k.reinterpretAsInts().sub(magicBits);
                FloatVector r = nf.fma(ln2hi, x);
                r = nf.fma(ln2lo, r);
                FloatVector p = p0.fma(r, p1);
                p = p.fma(r, p2);
                p = p.fma(r, p3);
                p = p.fma(r, p4);
                p = p.fma(r, p5);
                FloatVector er = p.fma(r.mul(r), r).add(one);
                er.mul(n.add(bias).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats()).intoArray(y, dOff + i);
                continue;
            }
            FloatVector xc = x.blend(lo, x.compare(VectorOperators.LT, lo));
            xc = xc.blend(hi, xc.compare(VectorOperators.GT, hi));
            FloatVector k = xc.fma(log2e, magic);
            FloatVector nf = k.sub(magic);
            IntVector n = k.reinterpretAsInts().sub(magicBits);
            FloatVector r = nf.fma(ln2hi, xc);
            r = nf.fma(ln2lo, r);
            FloatVector p = p0.fma(r, p1);
            p = p.fma(r, p2);
            p = p.fma(r, p3);
            p = p.fma(r, p4);
            p = p.fma(r, p5);
            FloatVector er = p.fma(r.mul(r), r).add(one);
            IntVector n1 = n.lanewise(VectorOperators.ASHR, 1);
            IntVector n2 = n.sub(n1);
            FloatVector e = er.mul(n1.add(bias).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(n2.add(bias).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            e.intoArray(y, dOff + i);
        }
        for (; i < len; i++) { // a scalar tail: masked vector loads are not always compiled on JDK 17 (they then allocate)
            y[dOff + i] = (float) Math.exp(xs[aOff + i]);
        }
    }

    /**
     * The logistic function without cancellation: {@code s = 1 / (1 + e)} with {@code e = exp(-|x|)} is
     * the sigmoid of {@code |x|}; for negative {@code x} the sigmoid is {@code e s} (not {@code 1 - s},
     * which is 0 in float for {@code x < -17} and loses digits from {@code x < -2}).
     */
    private static void sigmoidLoop(float[] y, int dOff, float[] xs, int aOff, int len) {
        FloatVector lo = FloatVector.broadcast(S, -104f);
        FloatVector hi = FloatVector.broadcast(S, 88.75f);
        FloatVector log2e = FloatVector.broadcast(S, LOG2E);
        FloatVector magic = FloatVector.broadcast(S, MAGIC);
        FloatVector ln2hi = FloatVector.broadcast(S, -LN2_HI);
        FloatVector ln2lo = FloatVector.broadcast(S, -LN2_LO);
        FloatVector p0 = FloatVector.broadcast(S, 1.9875691500e-4f);
        FloatVector p1 = FloatVector.broadcast(S, 1.3981999507e-3f);
        FloatVector p2 = FloatVector.broadcast(S, 8.3334519073e-3f);
        FloatVector p3 = FloatVector.broadcast(S, 4.1665795894e-2f);
        FloatVector p4 = FloatVector.broadcast(S, 1.6666665459e-1f);
        FloatVector p5 = FloatVector.broadcast(S, 5.0000001201e-1f);
        FloatVector one = FloatVector.broadcast(S, 1f);
        IntVector magicBits = IntVector.broadcast(IS, MAGIC_BITS);
        IntVector bias = IntVector.broadcast(IS, 127);
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        int upper = S.loopBound(len);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            FloatVector negAbs = x.abs().neg();
            if (!x.abs().compare(VectorOperators.GT, IN_RANGE).anyTrue()) {
                FloatVector k = negAbs.fma(log2e, magic);
                FloatVector nf = k.sub(magic);
                IntVector n = k.reinterpretAsInts().sub(magicBits);
                FloatVector r = nf.fma(ln2hi, negAbs);
                r = nf.fma(ln2lo, r);
                FloatVector p = p0.fma(r, p1);
                p = p.fma(r, p2);
                p = p.fma(r, p3);
                p = p.fma(r, p4);
                p = p.fma(r, p5);
                FloatVector er = p.fma(r.mul(r), r).add(one);
                FloatVector e = er.mul(n.add(bias).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                FloatVector s = one.div(e.add(one));
                s.blend(e.mul(s), x.compare(VectorOperators.LT, zero)).intoArray(y, dOff + i);
                continue;
            }
            FloatVector xc = negAbs.blend(lo, negAbs.compare(VectorOperators.LT, lo));
            xc = xc.blend(hi, xc.compare(VectorOperators.GT, hi));
            FloatVector k = xc.fma(log2e, magic);
            FloatVector nf = k.sub(magic);
            IntVector n = k.reinterpretAsInts().sub(magicBits);
            FloatVector r = nf.fma(ln2hi, xc);
            r = nf.fma(ln2lo, r);
            FloatVector p = p0.fma(r, p1);
            p = p.fma(r, p2);
            p = p.fma(r, p3);
            p = p.fma(r, p4);
            p = p.fma(r, p5);
            FloatVector er = p.fma(r.mul(r), r).add(one);
            IntVector n1 = n.lanewise(VectorOperators.ASHR, 1);
            IntVector n2 = n.sub(n1);
            FloatVector e = er.mul(n1.add(bias).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(n2.add(bias).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            FloatVector s = one.div(e.add(one));
            s.blend(e.mul(s), x.compare(VectorOperators.LT, zero)).intoArray(y, dOff + i);
        }
        for (; i < len; i++) {
            y[dOff + i] = (float) Expr.sigmoid(xs[aOff + i]);
        }
    }

    /** Cephes' {@code tanhf}: an odd polynomial below 0.625, else {@code 1 - 2 / (exp(2|x|) + 1)} with the sign of x. */
    private static void tanhLoop(float[] y, int dOff, float[] xs, int aOff, int len) {
        FloatVector lo = FloatVector.broadcast(S, -104f);
        FloatVector hi = FloatVector.broadcast(S, 88.75f);
        FloatVector log2e = FloatVector.broadcast(S, LOG2E);
        FloatVector magic = FloatVector.broadcast(S, MAGIC);
        FloatVector ln2hi = FloatVector.broadcast(S, -LN2_HI);
        FloatVector ln2lo = FloatVector.broadcast(S, -LN2_LO);
        FloatVector p0 = FloatVector.broadcast(S, 1.9875691500e-4f);
        FloatVector p1 = FloatVector.broadcast(S, 1.3981999507e-3f);
        FloatVector p2 = FloatVector.broadcast(S, 8.3334519073e-3f);
        FloatVector p3 = FloatVector.broadcast(S, 4.1665795894e-2f);
        FloatVector p4 = FloatVector.broadcast(S, 1.6666665459e-1f);
        FloatVector p5 = FloatVector.broadcast(S, 5.0000001201e-1f);
        FloatVector one = FloatVector.broadcast(S, 1f);
        IntVector magicBits = IntVector.broadcast(IS, MAGIC_BITS);
        IntVector bias = IntVector.broadcast(IS, 127);
        FloatVector two = FloatVector.broadcast(S, 2f);
        FloatVector small = FloatVector.broadcast(S, 0.625f);
        FloatVector zero = FloatVector.zero(S);
        FloatVector t0 = FloatVector.broadcast(S, -5.70498872745e-3f);
        FloatVector t1 = FloatVector.broadcast(S, 2.06390887954e-2f);
        FloatVector t2 = FloatVector.broadcast(S, -5.37397155531e-2f);
        FloatVector t3 = FloatVector.broadcast(S, 1.33314422036e-1f);
        FloatVector t4 = FloatVector.broadcast(S, -3.33332819422e-1f);
        int i = 0;
        int upper = S.loopBound(len);
        for (; i < upper; i += L) {
            FloatVector x = FloatVector.fromArray(S, xs, aOff + i);
            FloatVector ax = x.abs();
            FloatVector z = x.mul(x);
            FloatVector q = t0.fma(z, t1);
            q = q.fma(z, t2);
            q = q.fma(z, t3);
            q = q.fma(z, t4);
            FloatVector near = q.mul(z).fma(x, x);
            FloatVector twoAx = ax.add(ax);
            if (!ax.compare(VectorOperators.GT, IN_RANGE / 2).anyTrue()) {
                FloatVector k = twoAx.fma(log2e, magic);
                FloatVector nf = k.sub(magic);
                IntVector n = k.reinterpretAsInts().sub(magicBits);
                FloatVector r = nf.fma(ln2hi, twoAx);
                r = nf.fma(ln2lo, r);
                FloatVector p = p0.fma(r, p1);
                p = p.fma(r, p2);
                p = p.fma(r, p3);
                p = p.fma(r, p4);
                p = p.fma(r, p5);
                FloatVector er = p.fma(r.mul(r), r).add(one);
                FloatVector e = er.mul(n.add(bias).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
                FloatVector far = one.sub(two.div(e.add(one)));
                far = far.blend(far.neg(), x.compare(VectorOperators.LT, zero));
                far.blend(near, ax.compare(VectorOperators.LT, small)).intoArray(y, dOff + i);
                continue;
            }
            FloatVector xc = twoAx.blend(lo, twoAx.compare(VectorOperators.LT, lo));
            xc = xc.blend(hi, xc.compare(VectorOperators.GT, hi));
            FloatVector k = xc.fma(log2e, magic);
            FloatVector nf = k.sub(magic);
            IntVector n = k.reinterpretAsInts().sub(magicBits);
            FloatVector r = nf.fma(ln2hi, xc);
            r = nf.fma(ln2lo, r);
            FloatVector p = p0.fma(r, p1);
            p = p.fma(r, p2);
            p = p.fma(r, p3);
            p = p.fma(r, p4);
            p = p.fma(r, p5);
            FloatVector er = p.fma(r.mul(r), r).add(one);
            IntVector n1 = n.lanewise(VectorOperators.ASHR, 1);
            IntVector n2 = n.sub(n1);
            FloatVector e = er.mul(n1.add(bias).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats())
                    .mul(n2.add(bias).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            FloatVector far = one.sub(two.div(e.add(one)));
            far = far.blend(far.neg(), x.compare(VectorOperators.LT, zero));
            far.blend(near, ax.compare(VectorOperators.LT, small)).intoArray(y, dOff + i);
        }
        for (; i < len; i++) {
            y[dOff + i] = (float) Math.tanh(xs[aOff + i]);
        }
    }

    @Override
    public void fill(Object d, int off, int n, double v) {
        java.util.Arrays.fill((float[]) d, off, off + n, (float) v);
    }

    @Override
    public void addRows(Object src, int srcOff, int rows, int cols, Object acc, int accOff) {
        float[] s = (float[]) src;
        float[] o = (float[]) acc;
        int c = 0;
        // four vectors of columns at a time, kept in registers down the rows
        for (; c + 4 * L <= cols; c += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(S, o, accOff + c);
            FloatVector a1 = FloatVector.fromArray(S, o, accOff + c + L);
            FloatVector a2 = FloatVector.fromArray(S, o, accOff + c + 2 * L);
            FloatVector a3 = FloatVector.fromArray(S, o, accOff + c + 3 * L);
            for (int r = 0, off = srcOff + c; r < rows; r++, off += cols) {
                a0 = a0.add(FloatVector.fromArray(S, s, off));
                a1 = a1.add(FloatVector.fromArray(S, s, off + L));
                a2 = a2.add(FloatVector.fromArray(S, s, off + 2 * L));
                a3 = a3.add(FloatVector.fromArray(S, s, off + 3 * L));
            }
            a0.intoArray(o, accOff + c);
            a1.intoArray(o, accOff + c + L);
            a2.intoArray(o, accOff + c + 2 * L);
            a3.intoArray(o, accOff + c + 3 * L);
        }
        for (; c + L <= cols; c += L) {
            FloatVector a = FloatVector.fromArray(S, o, accOff + c);
            for (int r = 0, off = srcOff + c; r < rows; r++, off += cols) {
                a = a.add(FloatVector.fromArray(S, s, off));
            }
            a.intoArray(o, accOff + c);
        }
        for (; c < cols; c++) {
            float a = o[accOff + c];
            for (int r = 0, off = srcOff + c; r < rows; r++, off += cols) {
                a += s[off];
            }
            o[accOff + c] = a;
        }
    }

    @Override
    public double sum(Object src, int off, int n) {
        float[] s = (float[]) src;
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            acc0 = acc0.add(FloatVector.fromArray(S, s, off + i));
            acc1 = acc1.add(FloatVector.fromArray(S, s, off + i + L));
        }
        double total = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            total += s[off + i];
        }
        return total;
    }

    @Override
    public double sumOfSquares(Object src, int off, int n) {
        float[] s = (float[]) src;
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            FloatVector x0 = FloatVector.fromArray(S, s, off + i);
            FloatVector x1 = FloatVector.fromArray(S, s, off + i + L);
            acc0 = acc0.add(x0.mul(x0));
            acc1 = acc1.add(x1.mul(x1));
        }
        double total = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            float v = s[off + i];
            total += v * v;
        }
        return total;
    }

    @Override
    public void scale(Object d, int off, int n, double beta) {
        ScalarFloatEval.INSTANCE.scale(d, off, n, beta);
    }

    /**
     * Whether programs are compiled to one loop over vectors ({@link VectorProgramGenerator}); {@code
     * -Dgradlab.fuse=false} runs every program instruction by instruction (the same bits, for comparisons).
     */
    private static final boolean FUSE = !"false".equals(System.getProperty("gradlab.fuse"));

    @Override
    public FusedKernel fuseAccumulating(ProgramCompiler.Compiled program) {
        return FUSE ? VectorProgramGenerator.fused(program, 0, true) : null;
    }

    @Override
    public FusedKernel fuse(ProgramCompiler.Compiled program, int broadcast) {
        return FUSE ? VectorProgramGenerator.fused(program, broadcast) : null;
    }

    @Override
    public Object newArray(int n) {
        return new float[n];
    }

    @Override
    public String name() {
        return "vector";
    }
}
