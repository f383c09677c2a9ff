package io.gradlab.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The contract of an {@link Ops} implementation, checked against {@link ReferenceOps}: every kernel,
 * every expression node, broadcasting, slices, groups and reductions, in float32 (within float
 * rounding: a few ulp for the transcendental functions) and float64 (within 1e-12), and the same bits
 * when a call is repeated. Implement {@link #ops()} in a test class.
 */
public interface OpsContract {
    /** The implementation under test. */
    Ops ops();

    /** Rows and columns large enough that a threaded implementation splits the work. */
    int ROWS = 150;
    int COLS = 130;

    private static Tensor random(Random r, DType dtype, double scale, int... shape) {
        Tensor t = Tensor.zeros(dtype, shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, scale * (2 * r.nextDouble() - 1));
        }
        return t;
    }

    private static void assertClose(String what, Tensor expected, Tensor actual, double rel, double abs) {
        assertEquals(expected.size(), actual.size(), what + ": size");
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.get(i);
            double a = actual.get(i);
            if (Double.isNaN(e) ? !Double.isNaN(a) : !(Math.abs(e - a) <= rel * Math.abs(e) + abs) && e != a) {
                fail(what + ": element " + i + " is " + a + ", expected " + e + " (relative " + rel + ", absolute " + abs + ")");
            }
        }
    }

    private static double tolerance(DType dtype) {
        return dtype == DType.F32 ? 3e-6 : 1e-12;
    }

    /** Every expression node, on inputs of its domain (and beyond it, where it is defined). */
    @Test
    default void everyExpressionNodeMatchesTheReference() {
        Ops ops = ops();
        Ops ref = new ReferenceOps();
        Expr x = Expr.arg(0);
        Expr z = Expr.arg(1);
        List<Expr> nodes = List.of(x.add(z), x.sub(z), x.mul(z), x.div(z.abs().add(0.5)), x.max(z), x.min(z), x.neg(), x.abs(),
                x.square(), x.abs().sqrt(), x.exp(), x.expm1(), x.abs().add(1e-3).log(), x.abs().log1p(), x.tanh(), x.sigmoid(),
                x.erf(), x.gt(z), x.ge(z), x.lt(z), x.le(z), Expr.where(x.gt(0), z, x.mul(2)), x.mul(Expr.scalar(0)).add(Expr.scalar(1)),
                x.add(3.5));
        double[] scalars = {0.75, -2.0};
        for (DType dtype : DType.values()) {
            for (double scale : new double[] {1.0, 30.0, 200.0}) {
                Random r = new Random(7);
                Tensor a = random(r, dtype, scale, ROWS, COLS);
                Tensor b = random(r, dtype, scale, ROWS, COLS);
                for (Expr e : nodes) {
                    Elementwise p = Elementwise.assign(2, e);
                    Tensor got = Tensor.zeros(dtype, ROWS, COLS);
                    Tensor want = Tensor.zeros(dtype, ROWS, COLS);
                    ops.map(p, scalars, a, b, got);
                    ref.map(p, scalars, a, b, want);
                    // float32 rounds each operation: results near 0 after a cancellation are compared absolutely
                    assertClose(e + " at scale " + scale + " in " + dtype, want, got, tolerance(dtype),
                            dtype == DType.F32 ? 2e-6 * scale : 1e-13 * scale);
                }
            }
        }
    }

    /** The sigmoid keeps its precision in the saturated tails: within 1e-6 relative wherever the result is a normal float. */
    @Test
    default void theSigmoidIsPreciseInItsTails() {
        Ops ops = ops();
        int n = 20_000;
        Tensor x = Tensor.zeros(DType.F32, n);
        for (int i = 0; i < n; i++) {
            x.set(i, -87.0 + 100.0 * i / (n - 1));
        }
        Tensor y = Tensor.zeros(DType.F32, n);
        ops.map(Elementwise.assign(1, Expr.arg(0).sigmoid()), null, x, y);
        for (int i = 0; i < n; i++) {
            double want = Expr.sigmoid((float) x.get(i));
            if (want >= Float.MIN_NORMAL) {
                double err = Math.abs(y.get(i) - want) / want;
                assertTrue(err <= 1e-6, "sigmoid(" + x.get(i) + ") = " + y.get(i) + ", expected " + want + " (relative error " + err + ")");
            }
        }
    }

    /** Rows, columns and scalars broadcast as the class comment of {@link Ops} says; targets may be slices. */
    @Test
    default void broadcastsAndSlicesMatchTheReference() {
        Ops ops = ops();
        Ops ref = new ReferenceOps();
        for (DType dtype : DType.values()) {
            Random r = new Random(11);
            Tensor big = random(r, dtype, 1, ROWS + 20, COLS);
            Tensor x = big.slice(7, 7 + ROWS);
            Tensor row = random(r, dtype, 1, COLS);
            Tensor col = random(r, dtype, 1, ROWS, 1);
            Tensor one = random(r, dtype, 1, 1);
            Elementwise p = Elementwise.assign(4, Expr.arg(0).mul(Expr.arg(1)).add(Expr.arg(2)).sub(Expr.arg(3)));
            Tensor gotBase = Tensor.zeros(dtype, ROWS + 3, COLS);
            Tensor got = gotBase.slice(3, 3 + ROWS);
            Tensor want = Tensor.zeros(dtype, ROWS, COLS);
            ops.map(p, null, x, row, col, one, got);
            ref.map(p, null, x, row, col, one, want);
            assertClose("x * row + column - scalar in " + dtype, want, got, tolerance(dtype), 10 * tolerance(dtype));
            for (int i = 0; i < 3 * COLS; i++) {
                assertEquals(0.0, gotBase.get(i), "rows outside the target slice are not written");
            }
            // a wide row (more columns than one block) broadcast
            Tensor wide = random(r, dtype, 1, 3, 2500);
            Tensor wideRow = random(r, dtype, 1, 2500);
            Tensor w1 = Tensor.zeros(dtype, 3, 2500);
            Tensor w2 = Tensor.zeros(dtype, 3, 2500);
            Elementwise q = Elementwise.assign(2, Expr.arg(0).add(Expr.arg(1)));
            ops.map(q, null, wide, wideRow, w1);
            ref.map(q, null, wide, wideRow, w2);
            assertClose("wide rows in " + dtype, w2, w1, tolerance(dtype), tolerance(dtype));
        }
    }

    /** Assignments run in order per element, a later one reading what an earlier one wrote (an optimizer's update). */
    @Test
    default void programsUpdateSeveralTensorsInOrder() {
        Ops ops = ops();
        Ops ref = new ReferenceOps();
        Expr w = Expr.arg(0);
        Expr g = Expr.arg(1);
        Expr m = Expr.arg(2);
        Expr v = Expr.arg(3);
        Elementwise adam = Elementwise.assign(2, m.mul(Expr.scalar(0)).add(g.mul(Expr.scalar(1))))
                .then(3, v.mul(Expr.scalar(2)).add(g.square().mul(Expr.scalar(3))))
                .then(0, w.sub(Expr.scalar(4).mul(m).div(v.sqrt().add(Expr.scalar(5)))));
        double[] s = {0.9, 0.1, 0.999, 0.001, 0.01, 1e-8};
        for (DType dtype : DType.values()) {
            Random r = new Random(3);
            Tensor[] got = {random(r, dtype, 1, ROWS, COLS), random(r, dtype, 1, ROWS, COLS), random(r, dtype, 1, ROWS, COLS),
                    random(r, dtype, 1, ROWS, COLS)};
            for (int i = 0; i < got[3].size(); i++) {
                got[3].set(i, Math.abs(got[3].get(i)));
            }
            Tensor[] want = {got[0].copy(), got[1].copy(), got[2].copy(), got[3].copy()};
            for (int step = 0; step < 3; step++) {
                ops.map(adam, s, got);
                ref.map(adam, s, want);
            }
            for (int i = 0; i < 4; i++) {
                assertClose("tensor " + i + " after three updates in " + dtype, want[i], got[i], 10 * tolerance(dtype), 10 * tolerance(dtype));
            }
        }
    }

    /** Column sums, row sums and whole sums of an expression, with beta, on narrow and wide matrices. */
    @Test
    default void reductionsMatchTheReference() {
        Ops ops = ops();
        Ops ref = new ReferenceOps();
        Expr e = Expr.arg(0).mul(Expr.arg(1)).add(Expr.scalar(0));
        double[] s = {0.25};
        for (DType dtype : DType.values()) {
            for (int[] shape : new int[][] {{ROWS, COLS}, {5, 2500}, {1000, 3}, {1, 1}}) {
                Random r = new Random(5);
                Tensor a = random(r, dtype, 1, shape);
                Tensor b = random(r, dtype, 1, shape[1]);
                String where = Arrays.toString(shape) + " in " + dtype;
                double tol = dtype == DType.F32 ? 1e-4 : 1e-10;
                for (double beta : new double[] {0, 1, 0.5}) {
                    Tensor cg = random(new Random(9), dtype, 1, shape[1]);
                    Tensor cw = cg.copy();
                    ops.columnSums(e, beta, cg, s, a, b);
                    ref.columnSums(e, beta, cw, s, a, b);
                    assertClose("column sums, beta " + beta + ", " + where, cw, cg, tol, tol);
                    Tensor rg = random(new Random(9), dtype, 1, shape[0]);
                    Tensor rw = rg.copy();
                    ops.rowSums(e, beta, rg, s, a, b);
                    ref.rowSums(e, beta, rw, s, a, b);
                    assertClose("row sums, beta " + beta + ", " + where, rw, rg, tol, tol);
                    // several expressions in one call: each exactly what it gives alone
                    Expr other = Expr.arg(0).sub(Expr.arg(1)).square();
                    for (boolean rows : new boolean[] {true, false}) {
                        Tensor[] together = {random(new Random(11), dtype, 1, shape[rows ? 0 : 1]), random(new Random(12), dtype, 1, shape[rows ? 0 : 1])};
                        Tensor[] alone = {together[0].copy(), together[1].copy()};
                        Expr[] both = {e, other};
                        if (rows) {
                            ops.rowSums(both, beta, together, s, a, b);
                        } else {
                            ops.columnSums(both, beta, together, s, a, b);
                        }
                        for (int k = 0; k < 2; k++) {
                            if (rows) {
                                ops.rowSums(both[k], beta, alone[k], s, a, b);
                            } else {
                                ops.columnSums(both[k], beta, alone[k], s, a, b);
                            }
                            assertClose((rows ? "row" : "column") + " sums of two expressions (expression " + k + "), beta " + beta + ", " + where,
                                    alone[k], together[k], 0, 0);
                        }
                    }
                }
                double got = ops.sum(e, s, a, b);
                double want = ref.sum(e, s, a, b);
                assertEquals(want, got, tol * (1 + Math.abs(want)) * Math.sqrt(a.size()), "sum, " + where);
            }
        }
    }

    /** {@link Ops#mapEach} and {@link Ops#sumEach} over groups of tensors of different sizes. */
    @Test
    default void groupsMatchTheReference() {
        Ops ops = ops();
        Ops ref = new ReferenceOps();
        Elementwise sgd = Elementwise.assign(0, Expr.arg(0).sub(Expr.scalar(0).mul(Expr.arg(1))));
        for (DType dtype : DType.values()) {
            Random r = new Random(13);
            List<Tensor> w = new ArrayList<>();
            List<Tensor> g = new ArrayList<>();
            for (int[] shape : new int[][] {{128, 784}, {128}, {7, 3}, {10, 128}, {1}, {300, 300}}) {
                w.add(random(r, dtype, 1, shape));
                g.add(random(r, dtype, 1, shape));
            }
            List<Tensor> w2 = w.stream().map(Tensor::copy).toList();
            double[] s = {0.01};
            ops.mapEach(sgd, s, TensorGroup.of(w), TensorGroup.of(g));
            ref.mapEach(sgd, s, TensorGroup.of(w2), TensorGroup.of(g));
            for (int t = 0; t < w.size(); t++) {
                assertClose("tensor " + t + " of the group in " + dtype, w2.get(t), w.get(t), tolerance(dtype), tolerance(dtype));
            }
            double[] got = new double[w.size()];
            double[] want = new double[w.size()];
            ops.sumEach(Expr.arg(0).square(), got, null, TensorGroup.of(g));
            ref.sumEach(Expr.arg(0).square(), want, null, TensorGroup.of(g));
            for (int t = 0; t < w.size(); t++) {
                assertEquals(want[t], got[t], 1e-6 * want[t], "sum of squares of tensor " + t + " in " + dtype);
            }
        }
    }

    /**
     * Sums of squares of tiny elements (a vanishing gradient: 1e-21 in float32, where each square
     * underflows) are not 0 but within 1e-6 of their value in double; ordinary sums are unchanged.
     */
    @Test
    default void sumsOfSquaresSurviveTinyElements() {
        Ops ops = ops();
        for (DType dtype : DType.values()) {
            Random r = new Random(21);
            Tensor tiny = random(r, dtype, 3e-21, 40, 300);
            Tensor normal = random(r, dtype, 1, 40, 300);
            double[] want = new double[2];
            for (int t = 0; t < 2; t++) {
                Tensor x = t == 0 ? tiny : normal;
                for (int i = 0; i < x.size(); i++) {
                    want[t] += x.get(i) * x.get(i);
                }
            }
            assertEquals(want[0], ops.sumOfSquares(tiny), 1e-6 * want[0], "sum of squares of elements about 1e-21 in " + dtype);
            assertEquals(Math.sqrt(want[0]), ops.norm2(tiny), 1e-6 * Math.sqrt(want[0]), "norm of elements about 1e-21 in " + dtype);
            double[] got = new double[2];
            ops.sumEachOfSquares(got, TensorGroup.of(List.of(tiny, normal)));
            assertEquals(want[0], got[0], 1e-6 * want[0], "sumEachOfSquares of the tiny tensor in " + dtype);
            assertEquals(want[1], got[1], 1e-6 * want[1], "sumEachOfSquares of the ordinary tensor in " + dtype);
        }
    }

    /** Products on slices (a recurrent net's time steps) and the fully connected {@code linear}. */
    @Test
    default void productsOnSlicesMatchTheReference() {
        Ops ops = ops();
        Ops ref = new ReferenceOps();
        for (DType dtype : DType.values()) {
            Random r = new Random(17);
            Tensor steps = random(r, dtype, 1, 5 * 64, 96); // 5 time steps of 64 rows
            Tensor w = random(r, dtype, 1, 120, 96);
            Tensor bias = random(r, dtype, 1, 120);
            Tensor out = Tensor.zeros(dtype, 5 * 64, 120);
            Tensor want = Tensor.zeros(dtype, 64, 120);
            for (int t = 0; t < 5; t++) {
                Tensor x = steps.slice(t * 64, (t + 1) * 64);
                ops.linear(x, w, bias, out.slice(t * 64, (t + 1) * 64));
                ref.linear(x, w, bias, want);
                assertClose("linear on time step " + t + " in " + dtype, want, out.slice(t * 64, (t + 1) * 64), 1e-4, 1e-4);
            }
            Tensor c1 = Tensor.zeros(dtype, 96, 120);
            Tensor c2 = Tensor.zeros(dtype, 96, 120);
            ops.gemm(true, false, 0.5, steps.slice(64, 128), out.slice(128, 192), 0, c1);
            ref.gemm(true, false, 0.5, steps.slice(64, 128), out.slice(128, 192), 0, c2);
            assertClose("gemm on slices in " + dtype, c2, c1, 1e-4, 1e-4);
        }
    }

    /** Every part runs once, and kernels called from a part compute as they do outside one. */
    @Test
    default void parallelForRunsEveryPartOnceAndKernelsInsideIt() {
        Ops ops = ops();
        AtomicIntegerArray seen = new AtomicIntegerArray(37);
        Random r = new Random(19);
        Tensor[] in = new Tensor[37];
        Tensor[] out = new Tensor[37];
        for (int i = 0; i < 37; i++) {
            in[i] = random(r, DType.F32, 1, 100, 100);
            out[i] = Tensor.zeros(DType.F32, 100, 100);
        }
        Elementwise relu = Elementwise.assign(1, Expr.arg(0).max(0));
        ops.parallelFor(37, i -> {
            seen.incrementAndGet(i);
            ops.map(relu, null, in[i], out[i]);
        });
        for (int i = 0; i < 37; i++) {
            assertEquals(1, seen.get(i), "part " + i + " ran once");
            for (int j = 0; j < 100 * 100; j++) {
                assertEquals(Math.max(0f, (float) in[i].get(j)), out[i].get(j), "part " + i + " element " + j);
            }
        }
    }

    /** The same call twice gives the same bits. */
    @Test
    default void repeatedCallsGiveTheSameBits() {
        Ops ops = ops();
        Random r = new Random(23);
        Tensor a = random(r, DType.F32, 5, ROWS, COLS);
        Expr e = Expr.arg(0).tanh().mul(Expr.arg(0).sigmoid());
        Tensor c1 = Tensor.zeros(DType.F32, COLS);
        Tensor c2 = Tensor.zeros(DType.F32, COLS);
        ops.columnSums(e, 0, c1, null, a);
        ops.columnSums(e, 0, c2, null, a);
        assertTrue(Arrays.equals(c1.floats(), c2.floats()), "column sums repeat bit for bit");
        assertEquals(ops.sum(e, null, a), ops.sum(e, null, a), "sums repeat bit for bit");
    }

    /** Shapes that do not broadcast, a broadcast target, missing scalars: an IllegalArgumentException naming the problem. */
    @Test
    default void badShapesAreRejected() {
        Ops ops = ops();
        Tensor m = Tensor.zeros(DType.F32, 4, 5);
        Elementwise add = Elementwise.assign(0, Expr.arg(0).add(Expr.arg(1)));
        assertThrows(IllegalArgumentException.class, () -> ops.map(add, null, m, Tensor.zeros(DType.F32, 3)));
        assertThrows(IllegalArgumentException.class, () -> ops.map(Elementwise.assign(1, Expr.arg(0)), null, m, Tensor.zeros(DType.F32, 5)));
        assertThrows(IllegalArgumentException.class, () -> ops.map(Elementwise.assign(0, Expr.scalar(0)), null, m));
        assertThrows(IllegalArgumentException.class, () -> ops.columnSums(Expr.arg(0), 0, Tensor.zeros(DType.F32, 4), null, m));
    }
}
