package io.gradlab.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReferenceOpsTest {
    private final ReferenceOps ops = new ReferenceOps();

    @ParameterizedTest
    @EnumSource(DType.class)
    void gemmWithEveryTransposition(DType dtype) {
        // A = [[1, 2, 3], [4, 5, 6]], B = [[1, 0], [0, 1], [2, -1]]: A B = [[7, -1], [16, -1]]
        Tensor a = Tensor.of(dtype, new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(dtype, new double[] {1, 0, 0, 1, 2, -1}, 3, 2);
        Tensor at = Tensor.of(dtype, new double[] {1, 4, 2, 5, 3, 6}, 3, 2);
        Tensor bt = Tensor.of(dtype, new double[] {1, 0, 2, 0, 1, -1}, 2, 3);
        double[] expected = {7, -1, 16, -1};

        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor c = Tensor.zeros(dtype, 2, 2);
                c.fill(Double.NaN);
                ops.gemm(ta, tb, 1.0, ta ? at : a, tb ? bt : b, 0.0, c);
                assertThat(c.toDoubleArray()).as("transA=%s transB=%s", ta, tb).containsExactly(expected);
            }
        }
        Tensor c = Tensor.of(dtype, new double[] {1, 1, 1, 1}, 2, 2);
        ops.gemm(false, false, 2.0, a, b, 0.5, c);
        assertThat(c.toDoubleArray()).containsExactly(14.5, -1.5, 32.5, -1.5);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void vectorKernels(DType dtype) {
        Tensor m = Tensor.of(dtype, new double[] {1, 2, 3, 4}, 2, 2);
        Tensor v = Tensor.of(dtype, new double[] {10, 20}, 2);
        ops.addRowVector(m, v);
        assertThat(m.toDoubleArray()).containsExactly(11, 22, 13, 24);

        Tensor sums = Tensor.of(dtype, new double[] {1, 1}, 2);
        ops.sumRows(m, 1.0, sums);
        assertThat(sums.toDoubleArray()).containsExactly(25, 47);

        Tensor y = Tensor.of(dtype, new double[] {1, 1}, 2);
        ops.axpy(2.0, v, y);
        assertThat(y.toDoubleArray()).containsExactly(21, 41);
        ops.scale(0.5, y);
        assertThat(y.toDoubleArray()).containsExactly(10.5, 20.5);
        ops.mul(y, v, y);
        assertThat(y.toDoubleArray()).containsExactly(105, 410);
        assertThat(ops.dot(v, v)).isEqualTo(500);
        assertThat(ops.sumOfSquares(v)).isEqualTo(500);
        assertThat(ops.norm2(Tensor.of(dtype, new double[] {3, 4}, 2))).isEqualTo(5);
        assertThat(ops.backend()).isEqualTo("reference");
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void betaZeroIgnoresNaNInTheOutput(DType dtype) {
        Tensor m = Tensor.of(dtype, new double[] {1, 2, 3, 4}, 2, 2);
        Tensor out = Tensor.zeros(dtype, 2);
        out.fill(Double.NaN);
        ops.sumRows(m, 0.0, out);
        assertThat(out.toDoubleArray()).containsExactly(4, 6);
    }

    @Test
    void mixedTypesAndBadShapesAreRejected() {
        Tensor f = Tensor.zeros(DType.F32, 2, 2);
        Tensor d = Tensor.zeros(DType.F64, 2, 2);
        assertThatThrownBy(() -> ops.axpy(1.0, f, d)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mixed");
        assertThatThrownBy(() -> ops.gemm(false, false, 1, d, Tensor.zeros(DType.F64, 3, 2), 0, d))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gemm");
        assertThatThrownBy(() -> ops.addRowVector(d, Tensor.zeros(DType.F64, 3)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void float32StepsRoundEveryIntermediateToFloat() {
        // (1 + x) - 1 with x = 1e-8: 1e-8 in double, 0 when 1 + x is rounded to float first
        Elementwise program = Elementwise.assign(1, Expr.arg(0).add(1).sub(1));
        ReferenceOps steps = ReferenceOps.float32Steps();
        Tensor x32 = Tensor.of(DType.F32, new double[] {1e-8, 0.5}, 2);
        Tensor y32 = Tensor.zeros(DType.F32, 2);
        steps.map(program, null, x32, y32);
        assertThat(y32.toDoubleArray()).containsExactly(0.0, 0.5);
        ops.map(program, null, x32, y32);
        assertThat(y32.get(0)).isCloseTo(1e-8, within(1e-15));

        Tensor x64 = Tensor.of(DType.F64, new double[] {1e-8}, 1);
        Tensor y64 = Tensor.zeros(DType.F64, 1);
        steps.map(program, null, x64, y64);
        assertThat(y64.get(0)).isEqualTo(1e-8 + 1 - 1);

        // exp(100) overflows float: the sum over float32 steps is infinite, in double it is not
        Expr e = Expr.arg(0).exp().div(Expr.arg(0).exp());
        Tensor big = Tensor.of(DType.F32, new double[] {100}, 1);
        assertThat(steps.sum(e, null, big)).isNaN();
        assertThat(ops.sum(e, null, big)).isEqualTo(1.0);
        assertThat(steps.backend()).isEqualTo("reference-float32-steps");
    }
}
