package io.gradlab.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import io.gradlab.testkit.OpsContract;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The engine's kernels against the reference, on one, two and three threads, and the same bits on each. */
class BlasOpsContractTest {

    @Nested
    class OneThread implements OpsContract {
        private final Ops ops = BlasOps.create("auto", 1);

        @Override
        public Ops ops() {
            return ops;
        }
    }

    @Nested
    class TwoThreads implements OpsContract {
        private final Ops ops = BlasOps.create("auto", 2);

        @Override
        public Ops ops() {
            return ops;
        }
    }

    @Nested
    class ThreeThreads implements OpsContract {
        private final Ops ops = BlasOps.create("auto", 3);

        @Override
        public Ops ops() {
            return ops;
        }
    }

    @Nested
    class PlainJavaKernels implements OpsContract {
        private final Ops ops = new BlasOps(new KernelChoice(dev.ludovic.netlib.blas.JavaBLAS.getInstance(),
                new NetlibFloatGemm(dev.ludovic.netlib.blas.JavaBLAS.getInstance()), 2), ScalarFloatEval.INSTANCE);

        @Override
        public Ops ops() {
            return ops;
        }
    }

    private static Tensor random(Random r, int... shape) {
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, 4 * r.nextGaussian());
        }
        return t;
    }

    /** Every result of the elementwise kernels has the same bits whatever the thread count. */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void resultsDoNotDependOnTheThreadCount(int threads) {
        BlasOps one = BlasOps.create("auto", 1);
        BlasOps many = BlasOps.create("auto", threads);
        Random r = new Random(threads);
        Tensor x = random(r, 517, 129);
        Tensor bias = random(r, 129);
        Expr e = Expr.arg(0).tanh().mul(Expr.arg(1)).add(Expr.arg(0).sigmoid());
        Elementwise p = Elementwise.assign(2, e);
        Tensor y1 = Tensor.zeros(DType.F32, 517, 129);
        Tensor y2 = Tensor.zeros(DType.F32, 517, 129);
        one.map(p, null, x, bias, y1);
        many.map(p, null, x, bias, y2);
        assertThat(y2.floats()).isEqualTo(y1.floats());
        Tensor c1 = Tensor.zeros(DType.F32, 129);
        Tensor c2 = Tensor.zeros(DType.F32, 129);
        one.columnSums(e, 0, c1, null, x, bias);
        many.columnSums(e, 0, c2, null, x, bias);
        assertThat(c2.floats()).isEqualTo(c1.floats());
        // wide rows (more columns than a block, as an image layer's outputs): the parts own column segments
        Tensor wide = random(r, 37, 2600);
        Tensor wideBias = random(r, 2600);
        Tensor w1 = random(new Random(7), 2600);
        Tensor w2 = w1.copy();
        one.columnSums(e, 0.5, w1, null, wide, wideBias);
        many.columnSums(e, 0.5, w2, null, wide, wideBias);
        assertThat(w2.floats()).isEqualTo(w1.floats());
        // several expressions in one pass, narrow and wide: the same bits on any thread count
        Expr square = Expr.arg(0).square();
        for (Tensor[] xb : new Tensor[][] {{x, bias}, {wide, wideBias}}) {
            int cols = xb[0].cols();
            int rows = xb[0].rows();
            Tensor[] c1s = {random(new Random(3), cols), random(new Random(4), cols)};
            Tensor[] c2s = {c1s[0].copy(), c1s[1].copy()};
            one.columnSums(new Expr[] {e, square}, 0.5, c1s, null, xb);
            many.columnSums(new Expr[] {e, square}, 0.5, c2s, null, xb);
            assertThat(c2s[0].floats()).isEqualTo(c1s[0].floats());
            assertThat(c2s[1].floats()).isEqualTo(c1s[1].floats());
            Tensor[] r1s = {random(new Random(5), rows, 1), random(new Random(6), rows, 1)};
            Tensor[] r2s = {r1s[0].copy(), r1s[1].copy()};
            one.rowSums(new Expr[] {e, square}, 0.5, r1s, null, xb);
            many.rowSums(new Expr[] {e, square}, 0.5, r2s, null, xb);
            assertThat(r2s[0].floats()).isEqualTo(r1s[0].floats());
            assertThat(r2s[1].floats()).isEqualTo(r1s[1].floats());
        }
        Tensor r1 = Tensor.zeros(DType.F32, 517, 1);
        Tensor r2 = Tensor.zeros(DType.F32, 517, 1);
        one.rowSums(e, 0, r1, null, x, bias);
        many.rowSums(e, 0, r2, null, x, bias);
        assertThat(r2.floats()).isEqualTo(r1.floats());
        assertThat(many.sum(e, null, x, bias)).isEqualTo(one.sum(e, null, x, bias));
        List<Tensor> ts = List.of(random(r, 128, 784), random(r, 128), random(r, 10, 128));
        double[] s1 = new double[3];
        double[] s2 = new double[3];
        one.sumEach(Expr.arg(0).square(), s1, null, TensorGroup.of(ts));
        many.sumEach(Expr.arg(0).square(), s2, null, TensorGroup.of(ts));
        assertThat(s2).isEqualTo(s1);
    }
}
