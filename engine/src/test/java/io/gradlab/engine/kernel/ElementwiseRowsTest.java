package io.gradlab.engine.kernel;

import static io.gradlab.api.tensor.Expr.arg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Calls with column and scalar arguments run row by row through a compiled loop that reads those
 * arguments once per row, once it is warm: maps and row, column and wide column sums give the bits of
 * the instruction-by-instruction path (a runner whose evaluator compiles nothing), on shapes with one row
 * per block, several rows per block and rows split into segments, on one thread and on two.
 */
class ElementwiseRowsTest {
    /** dx = a1 dy a2 k1 + a3 k2 (a4 x - a5 mean) + a6 k3, as batch norm's input gradient. */
    private static final Elementwise GRAD = Elementwise.assign(0, arg(1).mul(arg(2)).add(arg(3).mul(arg(4).sub(arg(5)))).add(arg(6)));
    /** a0 = max(a1 a2 + a3, 0): a scale, an offset, a ReLU. */
    private static final Elementwise AFFINE_RELU = Elementwise.assign(0, arg(1).mul(arg(2)).add(arg(3)).max(0));
    private static final Expr CENTRED_PRODUCT = arg(0).mul(arg(1).sub(arg(2)));

    @Test
    void rowsThroughTheBroadcastLoopGiveTheInterpretersBits() throws InterruptedException {
        assumeTrue(VectorSupport.available(), "the JVM runs without jdk.incubator.vector");
        BlockEval vector = VectorSupport.BLOCK_EVAL;
        BlockEval plain = plainOf(vector); // the same arithmetic, nothing compiled
        for (int threads : new int[] {1, 2}) {
            WorkerGang gang = new WorkerGang(threads);
            ElementwiseRunner fused = new ElementwiseRunner(gang, vector);
            ElementwiseRunner reference = new ElementwiseRunner(gang, plain);
            Random random = new Random(threads);
            for (int[] shape : new int[][] {{37, 784}, {300, 49}, {5, 2600}, {40, 100}}) {
                int rows = shape[0];
                int cols = shape[1];
                Tensor dy = random(random, rows, cols);
                Tensor x = random(random, rows, cols);
                Tensor[] columns = {random(random, rows, 1), random(random, rows, 1), random(random, rows, 1), random(random, rows, 1)};
                Tensor scalar = random(random, 1);
                Tensor[] gradArgs = {null, dy, columns[0], columns[1], x, columns[2], columns[3]};
                Tensor[] reluArgs = {null, x, columns[0], scalar};
                Tensor[] sumArgs = {dy, x, columns[2]};
                // run now, warm or not (the warming thread may be busy with the loops of the tests before): their bits do
                // not depend on the JIT tier
                assertThat(fused.runBroadcastNow(GRAD, 0b1101100)).as("the broadcast loops").isTrue();
                assertThat(fused.runBroadcastNow(AFFINE_RELU, 0b1100)).isTrue();
                assertThat(fused.runBroadcastNow(CENTRED_PRODUCT, 0b100)).isTrue();
                String what = threads + " threads, [" + rows + ", " + cols + "]";
                Tensor a = Tensor.zeros(DType.F32, rows, cols);
                Tensor b = Tensor.zeros(DType.F32, rows, cols);
                gradArgs[0] = a;
                fused.map(GRAD, null, gradArgs);
                gradArgs[0] = b;
                reference.map(GRAD, null, gradArgs);
                assertSameBits(a, b, "input gradient, " + what);
                reluArgs[0] = a;
                fused.map(AFFINE_RELU, null, reluArgs);
                reluArgs[0] = b;
                reference.map(AFFINE_RELU, null, reluArgs);
                assertSameBits(a, b, "affine ReLU, " + what);
                Tensor rs1 = Tensor.zeros(DType.F32, rows);
                Tensor rs2 = Tensor.zeros(DType.F32, rows);
                fused.rowSums(CENTRED_PRODUCT, 0, rs1, null, sumArgs);
                reference.rowSums(CENTRED_PRODUCT, 0, rs2, null, sumArgs);
                assertSameBits(rs1, rs2, "row sums, " + what);
                Tensor cs1 = Tensor.zeros(DType.F32, cols);
                Tensor cs2 = Tensor.zeros(DType.F32, cols);
                fused.columnSums(CENTRED_PRODUCT, 0, cs1, null, sumArgs);
                reference.columnSums(CENTRED_PRODUCT, 0, cs2, null, sumArgs);
                assertSameBits(cs1, cs2, "column sums, " + what);
            }
        }
    }

    /**
     * Wide column sums (rows longer than a block) of expressions without broadcast arguments add each row segment
     * into the sums as the compiled loop computes it: the bits of the instruction-by-instruction path, which stores
     * the segment's results and then adds the row, with and without a previous value kept ({@code beta}).
     */
    @Test
    void wideColumnSumsThroughTheAccumulatingLoopGiveTheInterpretersBits() throws InterruptedException {
        assumeTrue(VectorSupport.available(), "the JVM runs without jdk.incubator.vector");
        BlockEval vector = VectorSupport.BLOCK_EVAL;
        Expr fired = Expr.constant(1).sub(arg(0).abs().le(0)); // the dead-units count
        Expr mixed = arg(0).mul(arg(1)).add(arg(0).square()).sigmoid();
        for (int threads : new int[] {1, 2}) {
            WorkerGang gang = new WorkerGang(threads);
            ElementwiseRunner fused = new ElementwiseRunner(gang, vector);
            ElementwiseRunner reference = new ElementwiseRunner(gang, plainOf(vector));
            Random random = new Random(10 + threads);
            for (int[] shape : new int[][] {{5, 2600}, {33, 1030}, {8, 3136}}) {
                int rows = shape[0];
                int cols = shape[1];
                Tensor x = random(random, rows, cols);
                for (int i = 0; i < x.size(); i += 3) {
                    x.set(i, i % 2 == 0 ? 0.0 : -0.0); // zeros of both signs for the count
                }
                Tensor y = random(random, rows, cols);
                Tensor[] args = {x, y};
                // run now, warm or not: the JVM's one warming thread may still be busy with the loops of the tests before,
                // and C2 with its queue; the loops' bits do not depend on the JIT tier
                assertThat(fused.runAccumulatingNow(fired) && fused.runAccumulatingNow(mixed)).as("the expressions have accumulating loops")
                        .isTrue();
                for (Expr e : new Expr[] {fired, mixed}) {
                    for (double beta : new double[] {0, 1, 0.5}) {
                        Tensor a = random(new Random(3), cols);
                        Tensor b = random(new Random(3), cols);
                        fused.columnSums(e, beta, a, null, args);
                        reference.columnSums(e, beta, b, null, args);
                        assertSameBits(a, b, e + ", beta " + beta + ", " + threads + " threads, [" + rows + ", " + cols + "]");
                    }
                }
            }
        }
    }

    @Test
    void aMapOverAGroupRunsEachTensorsBlocksInOneCallWithTheSameBits() {
        assumeTrue(VectorSupport.available(), "the JVM runs without jdk.incubator.vector");
        // an update of two targets, as an optimizer with a state: its warm loop takes each tensor's blocks of a part at once
        Elementwise update = Elementwise.assign(2, arg(2).mul(Expr.scalar(0)).add(arg(1)))
                .then(0, arg(0).sub(Expr.scalar(1).mul(arg(2))));
        double[] scalars = {0.9, 0.01};
        BlockEval vector = VectorSupport.BLOCK_EVAL;
        for (int threads : new int[] {1, 2}) {
            WorkerGang gang = new WorkerGang(threads);
            ElementwiseRunner fused = new ElementwiseRunner(gang, vector);
            ElementwiseRunner reference = new ElementwiseRunner(gang, plainOf(vector));
            assertThat(fused.runNow(update)).as("the update's loop").isTrue();
            Random random = new Random(7 + threads);
            int[] sizes = {3000, 1024, 17, 5 * 1024 + 100, 1, 2048};
            Tensor[][] a = new Tensor[3][sizes.length];
            Tensor[][] b = new Tensor[3][sizes.length];
            for (int r = 0; r < 3; r++) {
                for (int i = 0; i < sizes.length; i++) {
                    a[r][i] = random(random, sizes[i]);
                    b[r][i] = a[r][i].copy();
                }
            }
            for (int step = 0; step < 3; step++) {
                fused.mapEach(update, scalars, groups(a));
                reference.mapEach(update, scalars, groups(b));
            }
            for (int r : new int[] {0, 2}) {
                for (int i = 0; i < sizes.length; i++) {
                    assertSameBits(a[r][i], b[r][i], threads + " threads, target " + r + ", tensor of " + sizes[i]);
                }
            }
        }
    }

    private static io.gradlab.api.tensor.TensorGroup[] groups(Tensor[][] tensors) {
        io.gradlab.api.tensor.TensorGroup[] g = new io.gradlab.api.tensor.TensorGroup[tensors.length];
        for (int r = 0; r < tensors.length; r++) {
            g[r] = io.gradlab.api.tensor.TensorGroup.of(java.util.List.of(tensors[r]));
        }
        return g;
    }

    /** The evaluator's arithmetic with nothing compiled. */
    private static BlockEval plainOf(BlockEval vector) {
        return new BlockEval() {
            @Override
            public void exec(int op, Object d, int dOff, Object a, int aOff, Object b, int bOff, Object c, int cOff, int n) {
                vector.exec(op, d, dOff, a, aOff, b, bOff, c, cOff, n);
            }

            @Override
            public void fill(Object d, int off, int n, double v) {
                vector.fill(d, off, n, v);
            }

            @Override
            public void addRows(Object src, int srcOff, int rows, int cols, Object acc, int accOff) {
                vector.addRows(src, srcOff, rows, cols, acc, accOff);
            }

            @Override
            public double sum(Object src, int off, int n) {
                return vector.sum(src, off, n);
            }

            @Override
            public double sumOfSquares(Object src, int off, int n) {
                return vector.sumOfSquares(src, off, n);
            }

            @Override
            public void scale(Object d, int off, int n, double beta) {
                vector.scale(d, off, n, beta);
            }

            @Override
            public Object newArray(int n) {
                return vector.newArray(n);
            }

            @Override
            public String name() {
                return "plain";
            }
        };
    }

    private static Tensor random(Random random, int... shape) {
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, random.nextGaussian());
        }
        return t;
    }

    private static void assertSameBits(Tensor a, Tensor b, String what) {
        for (int i = 0; i < a.size(); i++) {
            assertThat(Float.floatToIntBits((float) a.get(i))).as("%s, element %d", what, i).isEqualTo(Float.floatToIntBits((float) b.get(i)));
        }
    }
}
