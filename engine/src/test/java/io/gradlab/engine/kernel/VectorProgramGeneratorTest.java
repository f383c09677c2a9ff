package io.gradlab.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.engine.kernel.ProgramCompiler.Compiled;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A program compiled to one loop over vectors computes, to the bit, what the Vector API evaluator
 * computes instruction by instruction: random programs over every compiled instruction, on values
 * with signed zeros, infinities, NaN (any NaN, whatever its sign bit) and subnormals, at lengths with and without a partial vector,
 * with a target that a later assignment reads back and with two arguments that are the same array.
 */
class VectorProgramGeneratorTest {
    private static final float[] EDGES = {0f, -0f, 1f, -1f, 0.5f, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 3e-39f, 1e30f, -2.5f};
    private static final Expr.Op[] UNARY = {Expr.Op.NEG, Expr.Op.ABS, Expr.Op.SQUARE, Expr.Op.SQRT, Expr.Op.EXP, Expr.Op.SIGMOID,
        Expr.Op.TANH};
    private static final Expr.Op[] BINARY = {Expr.Op.ADD, Expr.Op.SUB, Expr.Op.MUL, Expr.Op.DIV, Expr.Op.MAX, Expr.Op.MIN,
        Expr.Op.GT, Expr.Op.GE, Expr.Op.LT, Expr.Op.LE};
    private static BlockEval vector;

    @BeforeAll
    static void vectorEvaluator() {
        assumeTrue(VectorSupport.available(), "the JVM runs without jdk.incubator.vector");
        vector = VectorSupport.BLOCK_EVAL;
    }

    @Test
    void randomProgramsGiveTheInterpretersBits() {
        Random random = new Random(11);
        int compiled = 0;
        for (int trial = 0; trial < 300; trial++) {
            int args = 2 + random.nextInt(4);
            Elementwise program = Elementwise.assign(0, randomExpr(random, args, 1 + random.nextInt(5)));
            if (random.nextBoolean()) { // a second target that reads the first one back
                program = program.then(1, randomExpr(random, args, 1 + random.nextInt(3)).add(Expr.arg(0)));
            }
            Compiled c = ProgramCompiler.compile(program);
            FusedKernel kernel = VectorProgramGenerator.compile(c);
            if (!VectorProgramGenerator.fits(c)) {
                assertThat(kernel).as("a program too long to compile: %s", program).isNull();
                continue;
            }
            assertThat(kernel).as("program %s", program).isNotNull();
            compiled++;
            for (int n : new int[] {1, 15, 16, 17, 100, 1024}) {
                compare(c, kernel, random, n, false, program);
            }
            compare(c, kernel, random, 200, true, program);
        }
        assertThat(compiled).as("programs compiled and compared").isGreaterThan(200);
    }

    @Test
    void expressionsStoreTheirResultForTheSums() {
        Random random = new Random(5);
        for (int trial = 0; trial < 100; trial++) {
            Expr e = randomExpr(random, 3, 1 + random.nextInt(6));
            Compiled c = ProgramCompiler.compile(e);
            FusedKernel kernel = VectorProgramGenerator.compile(c);
            if (!VectorProgramGenerator.fits(c)) {
                assertThat(kernel).as("nothing to compile, or too long: %s", e).isNull();
                continue;
            }
            assertThat(kernel).isNotNull();
            compare(c, kernel, random, 1000, false, e);
        }
    }

    @Test
    void aSharedKernelRunsOnceItIsWarm() throws InterruptedException {
        Compiled c = ProgramCompiler.compile(Elementwise.assign(0, Expr.arg(1).mul(Expr.arg(2)).add(Expr.arg(3).max(0.5))));
        FusedKernel kernel = VectorProgramGenerator.fused(c);
        assertThat(VectorProgramGenerator.fused(ProgramCompiler.compile(Elementwise.assign(0, Expr.arg(1).mul(Expr.arg(2)).add(Expr.arg(3).max(0.5))))))
                .as("the same program structure, the same kernel").isSameAs(kernel);
        assertThat(kernel).isInstanceOf(VectorProgramGenerator.Warming.class);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!((VectorProgramGenerator.Warming) kernel).ready() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(((VectorProgramGenerator.Warming) kernel).ready()).as("warm within two minutes").isTrue();
        compare(c, kernel, new Random(3), 1000, false, "the warm kernel");
    }

    /** Where the never-quiet kernel's allocations go (a static field: they escape, so the JIT cannot remove them). */
    static volatile Object allocated;

    @Test
    void aKernelThatNeverGetsQuietDoesNotHoldUpTheKernelsAfterIt() throws InterruptedException {
        VectorProgramGenerator.Warming stuck = new VectorProgramGenerator.Warming((arrays, offsets, n) -> {
            allocated = new int[n + 1]; // allocates on every call, as a loop C2 never compiles without boxing
            return n;
        }, 1, 4_000_000_000L);
        VectorProgramGenerator.Warming quiet = new VectorProgramGenerator.Warming((arrays, offsets, n) -> n, 1);
        VectorProgramGenerator.warmInBackground(stuck);
        VectorProgramGenerator.warmInBackground(quiet);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!quiet.ready() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        boolean stuckDone = stuck.done();
        assertThat(quiet.ready()).as("the quiet kernel is warm").isTrue();
        assertThat(stuckDone).as("before the one made first, which never gets quiet, has used its 4 s: turns, not a queue").isFalse();
        while (!stuck.done() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(stuck.done()).as("the stuck kernel's warming ends with its budget").isTrue();
        assertThat(stuck.ready()).as("and it is left to the interpreter").isFalse();
        assertThat(stuck.run(new Object[1], new int[1], 8)).as("which computes every element").isZero();
    }

    @Test
    void theTranscendentalFunctionsGiveTheInterpretersBitsOverTheirWholeRange() {
        Random random = new Random(17);
        Expr x = Expr.arg(1);
        Expr[] programs = {x.exp(), x.sigmoid(), x.tanh(), x.neg().sigmoid().mul(Expr.arg(2)).mul(Expr.arg(3)), x.tanh().square().rsub(1.0)};
        for (Expr e : programs) {
            Elementwise program = Elementwise.assign(0, e);
            Compiled c = ProgramCompiler.compile(program);
            FusedKernel kernel = VectorProgramGenerator.compile(c);
            assertThat(kernel).as("compiled: %s", e).isNotNull();
            // every region of the functions: the polynomial of tanh below 0.625, both signs of the sigmoid, exp's subnormal
            // results near -100 and overflow above 88.7, the clamping beyond
            int n = 4096;
            float[] in = new float[n + 8];
            for (int i = 0; i < in.length; i++) {
                in[i] = i % 5 == 0 ? (float) (random.nextDouble() * 240 - 120) : i % 5 == 1 ? (float) (random.nextDouble() * 1.5 - 0.75)
                        : (float) (random.nextGaussian() * 8);
            }
            in[3] = -103.5f;
            in[4] = 88.7f;
            in[5] = 88.8f;
            in[6] = -87.5f;
            in[7] = Float.NaN;
            compareOn(c, kernel, in, n, e);
            for (int len : new int[] {1, 15, 17, 100}) {
                compareOn(c, kernel, in, len, e);
            }
        }
    }

    /**
     * A vector whose arguments are all within {@link VectorBlockEval#IN_RANGE} takes the exponential without the clamp and
     * with one power of two, in the interpreter's loops and in the generated loop alike; its lanes get the same bits as in a
     * vector that takes the long form because one other lane is out of range (here every 8th lane is set to 100).
     */
    @Test
    void aVectorInRangeGetsTheLongFormsBitsFromTheShortForm() {
        Expr x = Expr.arg(1);
        Expr[] programs = {x.exp(), x.sigmoid(), x.tanh(), x.sigmoid().mul(Expr.arg(2)).add(x), x.neg().exp().rsub(1.0),
            // the sigmoid's derivative: the branch inside the lazy where's costly operand
            Expr.where(x.gt(1), Expr.arg(2).mul(x.neg().sigmoid()), Expr.arg(2).mul(Expr.constant(1).sub(Expr.arg(2))))};
        Random random = new Random(29);
        int n = 4096;
        float[] in = new float[n + 8]; // compareOn reads argument r from offset r
        for (int i = 0; i < in.length; i++) { // within range, the edges and the slow path's subnormal results near -87 among them
            in[i] = switch (i % 7) {
                case 0 -> (float) (random.nextDouble() * 174 - 87);
                case 1 -> (float) (random.nextDouble() * 2 - 1);
                case 2 -> (float) (random.nextDouble() * 4 - 87);
                default -> (float) (random.nextGaussian() * 6);
            };
        }
        float[] edges = {87f, -87f, 43.5f, -43.5f, 0f, -0f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.NaN, 86.99999f, -86.99999f, 1e-20f};
        for (int i = 0; i < edges.length; i++) {
            in[1 + 8 * i] = edges[i];
        }
        float[] poisoned = in.clone();
        for (int i = 0; i < poisoned.length; i += 8) {
            poisoned[i] = 100f;
        }
        for (Expr e : programs) {
            Compiled c = ProgramCompiler.compile(Elementwise.assign(0, e));
            assertThat(VectorProgramGenerator.inRangeBranch(c)).as("the branch in %s", e).isGreaterThanOrEqualTo(0);
            FusedKernel kernel = VectorProgramGenerator.compile(c);
            assertThat(kernel).as("compiled: %s", e).isNotNull();
            compareOn(c, kernel, in, n, e);
            compareOn(c, kernel, poisoned, n, e + " with a lane out of range in every vector");
            int[] shortForm = bits(interpret(c, in, n), 0, n);
            int[] longForm = bits(interpret(c, poisoned, n), 0, n);
            for (int i = 0; i < n; i++) {
                if (i % 8 != 0) {
                    assertThat(shortForm[i]).as("%s at %s", e, in[i]).isEqualTo(longForm[i]);
                }
            }
        }
    }

    /** The interpreter's result of {@code c} with argument 1 (and any other) read from {@code in}. */
    private static float[] interpret(Compiled c, float[] in, int n) {
        Object[] arrays = new Object[c.operands()];
        for (int r = 0; r < arrays.length; r++) {
            float[] v = new float[Math.max(in.length, ElementwiseRunner.BLOCK)];
            if (r >= c.args() + c.temps()) {
                Arrays.fill(v, (float) c.constValues()[r - c.args() - c.temps()]);
            } else if (r < c.args()) {
                System.arraycopy(in, 0, v, 0, in.length);
            }
            arrays[r] = v;
        }
        ElementwiseRunner.execute(c, vector, arrays, new int[arrays.length], n);
        return (float[]) arrays[0];
    }

    @Test
    void aWhereWhoseCostlyOperandOnlySomeVectorsNeedGivesTheInterpretersBits() {
        Expr x = Expr.arg(1);
        Expr y = Expr.arg(2);
        Expr g = Expr.arg(3);
        Expr[] programs = {
            // the sigmoid's derivative times a gradient: the exponential only where some lane is above 1
            Expr.where(x.gt(1), y.mul(x.neg().sigmoid()), y.mul(Expr.constant(1).sub(y))).mul(g),
            // the costly operand as ifFalse: skipped where every lane is at most 1
            Expr.where(x.le(1), y.mul(Expr.constant(1).sub(y)), y.mul(x.neg().sigmoid())).add(g),
            // the where's value read by two later instructions, and the costly operand sharing x.neg() with nothing
            Expr.where(x.abs().gt(0.5), x.abs().neg().exp().mul(2).square(), x.mul(y)).mul(g).add(x)};
        Random random = new Random(23);
        int n = 4096;
        float[] in = new float[n + 8];
        for (int i = 0; i < in.length; i++) { // runs of 64 small values (the cheap operand for every lane), then 64 of any size
            in[i] = (i >> 6 & 1) == 0 ? (float) (random.nextDouble() * 1.4 - 0.45) : (float) (random.nextGaussian() * 6);
        }
        in[200] = 95f; // beyond the exponential's short form: the costly operand in its long form
        in[330] = -120f;
        in[70] = Float.NaN;
        in[71] = Float.POSITIVE_INFINITY;
        in[72] = Float.NEGATIVE_INFINITY;
        for (Expr e : programs) {
            Compiled c = ProgramCompiler.compile(Elementwise.assign(0, e));
            assertThat(VectorProgramGenerator.lazyWhere(c, false)).as("a lazy where in %s", e).isGreaterThanOrEqualTo(0);
            assertThat(VectorProgramGenerator.inRangeBranch(c)).as("the costly operand's in-range branch in %s", e)
                    .isGreaterThanOrEqualTo(0);
            FusedKernel kernel = VectorProgramGenerator.compile(c);
            assertThat(kernel).as("compiled: %s", e).isNotNull();
            for (int len : new int[] {n, 1, 15, 17, 100, 130}) {
                compareOn(c, kernel, in, len, e);
            }
            Compiled sum = ProgramCompiler.compile(e); // the per-row step of a column sum: the result added into its array
            assertThat(VectorProgramGenerator.lazyWhere(sum, true)).as("a lazy where in the sum of %s", e).isGreaterThanOrEqualTo(0);
        }
        Compiled cheapBoth = ProgramCompiler.compile(Elementwise.assign(0, Expr.where(x.gt(1), x.mul(y), y)));
        assertThat(VectorProgramGenerator.lazyWhere(cheapBoth, false)).as("nothing costly to skip").isEqualTo(-1);
        Expr ex = x.exp(); // one node, computed once
        Compiled shared = ProgramCompiler.compile(Elementwise.assign(0, Expr.where(x.gt(1), ex, y).add(ex)));
        assertThat(VectorProgramGenerator.lazyWhere(shared, false)).as("the costly value is needed anyway").isEqualTo(-1);
    }

    @Test
    void longProgramsStayOnTheInterpreter() {
        Expr long_ = Expr.arg(1);
        for (int i = 0; i <= VectorProgramGenerator.MAX_INSTRUCTIONS; i++) {
            long_ = long_.mul(Expr.arg(1)).add(i);
        }
        assertThat(VectorProgramGenerator.compile(ProgramCompiler.compile(Elementwise.assign(0, long_)))).isNull();
        // two transcendental functions are more vector operations than one compiled method inlines
        Expr two = Expr.arg(1).sigmoid().mul(Expr.arg(2).tanh());
        assertThat(VectorProgramGenerator.compile(ProgramCompiler.compile(Elementwise.assign(0, two)))).isNull();
        assertThat(VectorProgramGenerator.compile(ProgramCompiler.compile(Elementwise.assign(0, Expr.arg(1).max(0))))).isNotNull();
        assertThat(VectorProgramGenerator.compile(ProgramCompiler.compile(Elementwise.assign(0, Expr.arg(1).exp().mul(Expr.arg(2))))))
                .isNotNull();
    }

    /** Runs {@code c} both ways with argument 1 (and any other) read from {@code in}, over {@code n} elements. */
    private static void compareOn(Compiled c, FusedKernel kernel, float[] in, int n, Object what) {
        int operands = c.operands();
        Object[] interpreted = new Object[operands];
        Object[] fused = new Object[operands];
        int[] off = new int[operands];
        for (int r = 0; r < operands; r++) {
            float[] v = new float[Math.max(in.length, ElementwiseRunner.BLOCK)];
            if (r >= c.args() + c.temps()) {
                Arrays.fill(v, (float) c.constValues()[r - c.args() - c.temps()]);
            } else if (r < c.args()) {
                System.arraycopy(in, 0, v, 0, in.length);
                off[r] = r == 1 ? 0 : r;
            }
            interpreted[r] = v;
            fused[r] = v.clone();
        }
        ElementwiseRunner.execute(c, vector, interpreted, off.clone(), n);
        int[] offsets = off.clone();
        int done = kernel.run(fused, offsets, n);
        if (done < n) {
            for (int r = 0; r < operands; r++) {
                offsets[r] += done;
            }
            ElementwiseRunner.execute(c, vector, fused, offsets, n - done);
        }
        assertThat(bits((float[]) fused[0], off[0], n)).as("%s, n %d", what, n).isEqualTo(bits((float[]) interpreted[0], off[0], n));
    }

    private static Expr randomExpr(Random random, int args, int depth) {
        if (depth == 0 || random.nextInt(5) == 0) {
            int leaf = random.nextInt(6);
            if (leaf == 0) {
                return Expr.constant(EDGES[random.nextInt(EDGES.length)]);
            }
            if (leaf == 1) {
                return Expr.scalar(random.nextInt(2));
            }
            return Expr.arg(1 + random.nextInt(args - 1));
        }
        int kind = random.nextInt(10);
        if (kind < 3) {
            return unary(UNARY[random.nextInt(UNARY.length)], randomExpr(random, args, depth - 1));
        }
        if (kind < 9) {
            return binary(BINARY[random.nextInt(BINARY.length)], randomExpr(random, args, depth - 1), randomExpr(random, args, depth - 1));
        }
        Expr shared = randomExpr(random, args, depth - 1); // used twice: computed once
        return Expr.where(randomExpr(random, args, depth - 1), shared, shared.neg());
    }

    private static Expr unary(Expr.Op op, Expr a) {
        return switch (op) {
            case NEG -> a.neg();
            case ABS -> a.abs();
            case SQUARE -> a.square();
            case SQRT -> a.sqrt();
            case EXP -> a.exp();
            case SIGMOID -> a.sigmoid();
            case TANH -> a.tanh();
            default -> throw new IllegalArgumentException(op.name());
        };
    }

    private static Expr binary(Expr.Op op, Expr a, Expr b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
            case GT -> a.gt(b);
            case GE -> a.ge(b);
            case LT -> a.lt(b);
            case LE -> a.le(b);
            default -> throw new IllegalArgumentException(op.name());
        };
    }

    /** Runs {@code c} both ways on the same random operands and compares every array the program writes. */
    private static void compare(Compiled c, FusedKernel kernel, Random random, int n, boolean alias, Object what) {
        int operands = c.operands();
        int block = Math.max(n, ElementwiseRunner.BLOCK);
        Object[] interpreted = new Object[operands];
        Object[] fused = new Object[operands];
        int[] off = new int[operands];
        for (int r = 0; r < operands; r++) {
            float[] v = new float[block + 8];
            if (r >= c.args() + c.temps()) { // a constant or scalar register: one value throughout
                Arrays.fill(v, c.constScalars()[r - c.args() - c.temps()] >= 0 ? randomValue(random) : (float) c.constValues()[r - c.args() - c.temps()]);
            } else {
                for (int i = 0; i < v.length; i++) {
                    v[i] = randomValue(random);
                }
                off[r] = r < c.args() ? random.nextInt(8) : 0;
            }
            interpreted[r] = v;
            fused[r] = v.clone();
        }
        if (alias && c.args() > 2) { // arguments 1 and 2 are one array at one offset
            interpreted[2] = interpreted[1];
            fused[2] = fused[1];
            off[2] = off[1];
        }
        ElementwiseRunner.execute(c, vector, interpreted, off.clone(), n);
        int[] offsets = off.clone();
        int done = kernel.run(fused, offsets, n);
        assertThat(offsets).isEqualTo(off);
        assertThat(done % 16 == 0 || done == n).isTrue();
        assertThat(done).isBetween(0, n);
        if (done < n) {
            for (int r = 0; r < operands; r++) {
                offsets[r] += done;
            }
            ElementwiseRunner.execute(c, vector, fused, offsets, n - done);
        }
        for (int r = 0; r < c.args(); r++) {
            assertThat(bits((float[]) fused[r], off[r], n)).as("%s, argument %d, n %d", what, r, n)
                    .isEqualTo(bits((float[]) interpreted[r], off[r], n));
        }
        if (c.result() >= 0) {
            assertThat(bits((float[]) fused[c.result()], off[c.result()], n)).as("%s, result, n %d", what, n)
                    .isEqualTo(bits((float[]) interpreted[c.result()], off[c.result()], n));
        }
    }

    private static int[] bits(float[] a, int from, int n) {
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            b[i] = Float.floatToIntBits(a[from + i]); // every NaN as one: its sign and payload are the hardware's choice
        }
        return b;
    }

    private static float randomValue(Random random) {
        return random.nextInt(4) == 0 ? EDGES[random.nextInt(EDGES.length)] : (float) (random.nextGaussian() * 3);
    }
}
