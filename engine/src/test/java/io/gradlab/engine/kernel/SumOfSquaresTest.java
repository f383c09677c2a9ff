package io.gradlab.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A sum of {@code arg(0).square()} runs as {@link BlockEval#sumOfSquares} (one pass, the squares not
 * stored): on every evaluator the bits of SQUARE then {@link BlockEval#sum}, and through the kernels
 * the bits of the same sum written so that it is not recognised ({@code x * x}).
 */
class SumOfSquaresTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 16, 33, 64, 1000, 1024})
    void oneEvaluatorPassIsSquareThenSum(int n) {
        Random r = new Random(n);
        for (BlockEval ev : List.of(VectorSupport.BLOCK_EVAL, ScalarFloatEval.INSTANCE, DoubleEval.INSTANCE)) {
            boolean floats = ev != DoubleEval.INSTANCE;
            Object src = ev.newArray(n + 3);
            Object squares = ev.newArray(n);
            for (int i = 0; i < n + 3; i++) {
                double v = r.nextInt(10) == 0 ? Float.intBitsToFloat(r.nextInt()) : r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
                if (floats) {
                    ((float[]) src)[i] = (float) v;
                } else {
                    ((double[]) src)[i] = v;
                }
            }
            ev.exec(Expr.Op.SQUARE.ordinal(), squares, 0, src, 3, null, 0, null, 0, n);
            double want = ev.sum(squares, 0, n);
            assertThat(Double.doubleToLongBits(ev.sumOfSquares(src, 3, n))).as("%s, n = %d", ev.name(), n)
                    .isEqualTo(Double.doubleToLongBits(want));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void kernelSumsOfSquaresMatchTheUnrecognisedForm(int threads) {
        Ops ops = BlasOps.create("auto", threads);
        Random r = new Random(threads);
        for (DType dtype : DType.values()) {
            Tensor x = Tensor.zeros(dtype, 517, 129);
            for (int i = 0; i < x.size(); i++) {
                x.set(i, r.nextGaussian());
            }
            Expr a = Expr.arg(0);
            assertThat(ops.sum(a.square(), null, x)).as("%s", dtype).isEqualTo(ops.sum(a.mul(a), null, x));
            assertThat(ops.sum(a.square(), null, x.slice(3, 400))).isEqualTo(ops.sum(a.mul(a), null, x.slice(3, 400)));
        }
    }
}
