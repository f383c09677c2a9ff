package io.gradlab.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BlasOpsTest {
    private final BlasOps ops = new BlasOps();

    private static Tensor random(DType dtype, Random r, int rows, int cols) {
        Tensor t = Tensor.zeros(dtype, rows, cols);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, r.nextGaussian());
        }
        return t;
    }

    private static double naive(Tensor a, boolean ta, Tensor b, boolean tb, int i, int j) {
        int k = ta ? a.rows() : a.cols();
        double s = 0;
        for (int p = 0; p < k; p++) {
            double av = ta ? a.get(p, i) : a.get(i, p);
            double bv = tb ? b.get(j, p) : b.get(p, j);
            s += av * bv;
        }
        return s;
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2}")
    @CsvSource({"F64,false,false", "F64,true,false", "F64,false,true", "F64,true,true",
                "F32,false,false", "F32,true,false", "F32,false,true", "F32,true,true"})
    void gemmMatchesTheDefinitionForEveryTransposeCombination(DType dtype, boolean ta, boolean tb) {
        Random r = new Random(7);
        int m = 5, k = 7, n = 3;
        Tensor a = ta ? random(dtype, r, k, m) : random(dtype, r, m, k);
        Tensor b = tb ? random(dtype, r, n, k) : random(dtype, r, k, n);
        Tensor c = random(dtype, r, m, n);
        Tensor c0 = c.copy();
        ops.gemm(ta, tb, 0.5, a, b, 2.0, c);
        double tol = dtype == DType.F64 ? 1e-12 : 1e-4;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                assertThat(c.get(i, j)).isCloseTo(0.5 * naive(a, ta, b, tb, i, j) + 2.0 * c0.get(i, j), within(tol));
            }
        }
    }

    @Test
    void gemmWithBetaZeroIgnoresNaNInTheOutput() {
        Tensor a = Tensor.of(DType.F64, new double[] {1, 2, 3, 4}, 2, 2);
        Tensor c = Tensor.of(DType.F64, new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN}, 2, 2);
        ops.gemm(false, false, 1, a, a, 0, c);
        assertThat(c.toDoubleArray()).containsExactly(7, 10, 15, 22);
    }

    @Test
    void gemmRejectsMismatchedShapes() {
        Tensor a = Tensor.zeros(DType.F32, 2, 3);
        Tensor c = Tensor.zeros(DType.F32, 2, 2);
        assertThatThrownBy(() -> ops.gemm(false, false, 1, a, a, 0, c)).hasMessageContaining("gemm shapes do not match");
    }

    @Test
    void rowVectorColumnSumsAxpyScaleAndNorms() {
        Tensor m = Tensor.of(DType.F32, new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        ops.addRowVector(m, Tensor.of(DType.F32, new double[] {10, 20, 30}, 3));
        assertThat(m.toDoubleArray()).containsExactly(11, 22, 33, 14, 25, 36);
        Tensor sums = Tensor.of(DType.F32, new double[] {1, 1, 1}, 3);
        ops.sumRows(m, 2.0, sums);
        assertThat(sums.toDoubleArray()).containsExactly(27, 49, 71);
        Tensor y = Tensor.of(DType.F64, new double[] {1, 1}, 2);
        ops.axpy(3, Tensor.of(DType.F64, new double[] {1, 2}, 2), y);
        assertThat(y.toDoubleArray()).containsExactly(4, 7);
        ops.scale(0.5, y);
        assertThat(y.toDoubleArray()).containsExactly(2, 3.5);
        assertThat(ops.norm2(Tensor.of(DType.F32, new double[] {3, 4}, 2))).isEqualTo(5.0);
        Tensor out = Tensor.zeros(DType.F64, 2);
        ops.mul(y, y, out);
        assertThat(out.toDoubleArray()).containsExactly(4, 12.25);
    }

    @Test
    void reportsWhichBlasItUses() {
        assertThat(ops.backend()).isIn("native-openblas", "java-vector", "java");
    }

    @ParameterizedTest(name = "{0} threads, {1} x {2}")
    @CsvSource({"1,512,128", "2,512,128", "2,64,128", "3,64,784", "2,3,5"})
    void gemmBiasIsTheBiasRowsPlusTheProduct(int threads, int rows, int units) {
        Random r = new Random(rows * 31L + units);
        Tensor x = random(DType.F32, r, rows, 300);
        Tensor w = random(DType.F32, r, units, 300);
        Tensor bias = random(DType.F32, r, 1, units).reshape(units);
        BlasOps split = BlasOps.create("auto", threads);
        Tensor expected = Tensor.zeros(DType.F32, rows, units);
        BlasOps.fillRows(expected, bias);
        split.gemm(false, true, 1.0, x, w, 1.0, expected);
        Tensor c = Tensor.zeros(DType.F32, rows, units);
        c.fill(Float.NaN); // every element is written
        split.gemmBias(false, true, x, w, bias, c);
        assertThat(c.floats()).isEqualTo(expected.floats());
        Tensor d = Tensor.zeros(DType.F64, rows, units);
        ops.gemmBias(false, true, x.to(DType.F64), w.to(DType.F64), bias.to(DType.F64), d);
        assertThat(d.get(rows - 1, units - 1)).isCloseTo(expected.get(rows - 1, units - 1), within(1e-3));
    }
}
