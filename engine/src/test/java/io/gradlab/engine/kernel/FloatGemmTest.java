package io.gradlab.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every float matrix-product kernel, single and split over threads, against the definition. */
class FloatGemmTest {

    static List<FloatGemm> kernels() {
        List<FloatGemm> list = new ArrayList<>();
        list.add(new NetlibFloatGemm(BLAS.getInstance()));
        list.add(new NetlibFloatGemm(JavaBLAS.getInstance()));
        FloatGemm vector = VectorSupport.gemm();
        if (vector != null) {
            list.add(vector);
        }
        return list;
    }

    static Stream<Arguments> cases() {
        // shapes around the vector kernel's blocks (6-row and 2-vector panels, 256-deep blocks) and the workload's
        int[][] shapes = {{1, 1, 1}, {7, 37, 300}, {13, 10, 129}, {40, 70, 300}, {130, 33, 513}, {6, 32, 256}};
        List<Arguments> args = new ArrayList<>();
        for (FloatGemm g : kernels()) {
            for (int[] s : shapes) {
                for (int t = 0; t < 4; t++) {
                    args.add(Arguments.of(g, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
                }
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3} transA={4} transB={5}")
    @MethodSource("cases")
    void matchesTheDefinitionWithOffsetsAlphaAndBeta(FloatGemm gemm, int m, int n, int k, boolean ta, boolean tb) {
        Random r = new Random(m * 31 + n * 7 + k);
        int lda = (ta ? m : k) + 3;
        int ldb = (tb ? k : n) + 2;
        int ldc = n + 5;
        int aOff = 4;
        int bOff = 1;
        int cOff = 2;
        float[] a = random(r, aOff + lda * (ta ? k : m));
        float[] b = random(r, bOff + ldb * (tb ? n : k));
        float[] c = random(r, cOff + ldc * m);
        float[] c0 = c.clone();
        gemm.gemm(ta, tb, m, n, k, 0.5f, a, aOff, lda, b, bOff, ldb, 2f, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                int at = cOff + i * ldc + j;
                assertThat((double) c[at]).as("C[%d,%d]", i, j).isCloseTo(0.5 * s + 2 * c0[at], within(1e-3 * Math.sqrt(k)));
            }
            // the padding between rows is left alone
            for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
                assertThat(c[cOff + i * ldc + j]).isEqualTo(c0[cOff + i * ldc + j]);
            }
        }
    }

    @Test
    void betaZeroIgnoresNaNInTheOutput() {
        for (FloatGemm g : kernels()) {
            float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
            g.gemm(false, false, 2, 2, 2, 1f, new float[] {1, 2, 3, 4}, 0, 2, new float[] {1, 2, 3, 4}, 0, 2, 0f, c, 0, 2);
            assertThat(c).as(g.backend()).containsExactly(7, 10, 15, 22);
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @org.junit.jupiter.params.provider.ValueSource(ints = {2, 3})
    void aSplitProductEqualsTheDefinitionAndRepeatsBitForBit(int threads) {
        BlasOps split = new BlasOps(BLAS.getInstance(), threads);
        assertThat(split.threads()).isEqualTo(threads);
        Random r = new Random(threads);
        // by rows (m >= n), by columns (n > m), and the transposed weight-gradient form
        int[][] shapes = {{512, 128, 784}, {64, 784, 128}, {128, 784, 100}};
        for (int[] s : shapes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                Tensor a = ta ? random(r, s[2], s[0]) : random(r, s[0], s[2]);
                Tensor b = tb ? random(r, s[1], s[2]) : random(r, s[2], s[1]);
                Tensor expected = Tensor.zeros(DType.F32, s[0], s[1]);
                new BlasOps(BLAS.getInstance(), 1).gemm(ta, tb, 1, a, b, 0, expected);
                Tensor c1 = Tensor.zeros(DType.F32, s[0], s[1]);
                Tensor c2 = Tensor.zeros(DType.F32, s[0], s[1]);
                split.gemm(ta, tb, 1, a, b, 0, c1);
                split.gemm(ta, tb, 1, a, b, 0, c2);
                assertThat(c2.floats()).isEqualTo(c1.floats());
                for (int i = 0; i < c1.size(); i++) {
                    assertThat(c1.get(i)).isCloseTo(expected.get(i), within(1e-3));
                }
            }
        }
    }

    @Test
    void splitElementwisePassesEqualTheSingleThreadedOnes() {
        Random r = new Random(9);
        BlasOps one = new BlasOps(BLAS.getInstance(), 1);
        BlasOps two = new BlasOps(BLAS.getInstance(), 2);
        Tensor m = random(r, 512, 130);
        Tensor s1 = random(r, 1, 130).reshape(130);
        Tensor s2 = s1.copy();
        one.sumRows(m, 0.5, s1);
        two.sumRows(m, 0.5, s2);
        assertThat(s2.floats()).isEqualTo(s1.floats());
        Tensor x = random(r, 1, 100_003).reshape(100_003);
        Tensor y1 = random(r, 1, 100_003).reshape(100_003);
        Tensor y2 = y1.copy();
        one.axpy(-0.25, x, y1);
        two.axpy(-0.25, x, y2);
        assertThat(y2.floats()).isEqualTo(y1.floats());
        int[] covered = new int[40];
        two.parallelFor(covered.length, i -> covered[i]++);
        assertThat(covered).containsOnly(1);
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    private static Tensor random(Random r, int rows, int cols) {
        return Tensor.wrap(random(r, rows * cols), rows, cols);
    }
}
