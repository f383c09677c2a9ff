package io.gradlab.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Several tensors in one split pass: the same results as tensor by tensor, for any thread count. */
class FloatGroupTest {
    /** Sizes that put part boundaries inside tensors, on their edges, and include an empty tensor. */
    private static final int[] SIZES = {100_352, 16_384, 0, 128, 16_384, 1_280, 10, 70_001};

    private static List<Tensor> random(long seed) {
        Random r = new Random(seed);
        List<Tensor> out = new ArrayList<>();
        for (int n : SIZES) {
            Tensor t = Tensor.zeros(DType.F32, n);
            for (int i = 0; i < n; i++) {
                t.set(i, r.nextGaussian());
            }
            out.add(t);
        }
        return out;
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 3})
    void zeroSumsOfSquaresAndAxpyMatchThePerTensorKernels(int threads) {
        BlasOps ops = BlasOps.create("auto", threads);
        BlasOps single = BlasOps.create("auto", 1);
        List<Tensor> x = random(1);
        List<Tensor> y = random(2);
        List<Tensor> expected = new ArrayList<>();
        for (int i = 0; i < y.size(); i++) {
            Tensor e = y.get(i).copy();
            single.axpy(-0.25, x.get(i), e);
            expected.add(e);
        }
        FloatGroup gx = FloatGroup.of(x).orElseThrow();
        FloatGroup gy = FloatGroup.of(y).orElseThrow();
        assertThat(gx.total()).isEqualTo(java.util.Arrays.stream(SIZES).asLongStream().sum());

        ops.axpy(-0.25f, gx, gy);
        for (int i = 0; i < y.size(); i++) {
            assertThat(y.get(i).floats()).as("tensor %d", i).isEqualTo(expected.get(i).floats());
        }

        double[] sums = new double[x.size()];
        ops.sumsOfSquares(gx, sums);
        for (int i = 0; i < x.size(); i++) {
            double direct = single.sumOfSquares(x.get(i));
            if (threads == 1) {
                assertThat(sums[i]).as("tensor %d", i).isEqualTo(direct); // one part: the very same kernel call
            } else {
                assertThat(sums[i]).as("tensor %d", i).isCloseTo(direct, org.assertj.core.api.Assertions.within(1e-6 * Math.max(1, direct)));
            }
        }

        List<Tensor> z = random(5);
        ops.copy(gx, FloatGroup.of(z).orElseThrow());
        for (int i = 0; i < x.size(); i++) {
            assertThat(z.get(i).floats()).as("copy of tensor %d", i).isEqualTo(x.get(i).floats());
        }

        ops.zero(gy);
        for (Tensor t : y) {
            assertThat(t.floats()).isEqualTo(new float[t.size()]);
        }
    }

    @Test
    void sumsOfSquaresAreBitIdenticalForTheSameThreadCount() {
        List<Tensor> x = random(3);
        double[] a = new double[x.size()];
        double[] b = new double[x.size()];
        BlasOps.create("auto", 2).sumsOfSquares(FloatGroup.of(x).orElseThrow(), a);
        BlasOps.create("auto", 2).sumsOfSquares(FloatGroup.of(x).orElseThrow(), b);
        assertThat(b).containsExactly(a);
    }

    @Test
    void aGroupTakesOnlyFloat32Tensors() {
        assertThat(FloatGroup.of(List.of(Tensor.zeros(DType.F32, 3), Tensor.zeros(DType.F64, 3)))).isEmpty();
    }

    @Test
    void axpyRejectsGroupsOfDifferentLayouts() {
        FloatGroup a = FloatGroup.of(List.of(Tensor.zeros(DType.F32, 4), Tensor.zeros(DType.F32, 6))).orElseThrow();
        FloatGroup b = FloatGroup.of(List.of(Tensor.zeros(DType.F32, 6), Tensor.zeros(DType.F32, 4))).orElseThrow();
        assertThatThrownBy(() -> BlasOps.create("auto", 2).axpy(1f, a, b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("groups do not match");
    }
}
