package io.gradlab.plugins.remedies.norm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.plugins.remedies.support.NumericGradient;
import io.gradlab.testkit.TestContexts;
import org.junit.jupiter.api.Test;

class NormalizersTest {

    @Test
    void batchNormGradientIsExactInTrainAndEvalMode() {
        for (Mode mode : Mode.values()) {
            BatchNorm bn = new BatchNorm("bn", 1e-5, 0.1, true);
            bn.build(4, TestContexts.f64());
            // non-trivial scale, shift and running statistics
            SeededRandom r = new SeededRandom(3);
            for (Parameter p : bn.parameters()) {
                for (int i = 0; i < p.value().size(); i++) {
                    p.value().set(i, p.value().get(i) + r.normal(0, 0.3));
                }
            }
            bn.state().get("running-mean").set(1, 0.4);
            bn.state().get("running-var").set(2, 2.5);
            Tensor x = random(6, 4, 5);
            Tensor w = random(6, 4, 6);
            assertThat(NumericGradient.check(bn, x, w, mode)).isEqualTo(24 + 8);
        }
        assertThat(NumericGradient.check(new BatchNorm("bn", 1e-5, 0.1, false), 3, 5, Mode.TRAIN, 9)).isEqualTo(15);
    }

    /** PyTorch 1.13.1's BatchNorm1d gives the same outputs and running statistics (0.3, 1.3667) for this batch. */
    @Test
    void batchNormNormalisesWithTheBiasedVarianceAndTracksTheUnbiasedOneAsPyTorch() {
        BatchNorm bn = new BatchNorm("bn", 1e-5, 0.1, true);
        bn.build(1, TestContexts.f64());
        Tensor x = Tensor.of(DType.F64, new double[] {1, 2, 3, 6}, 4, 1);
        Tensor y = bn.forward(x, Mode.TRAIN);
        // mean 3, biased variance (4 + 1 + 0 + 9) / 4 = 3.5, unbiased 14 / 3
        double is = 1 / Math.sqrt(3.5 + 1e-5);
        assertThat(y.toDoubleArray()).containsExactly(new double[] {-2 * is, -1 * is, 0, 3 * is}, within(1e-12));
        assertThat(bn.state().get("running-mean").get(0)).isCloseTo(0.9 * 0 + 0.1 * 3, within(1e-12));
        assertThat(bn.state().get("running-var").get(0)).isCloseTo(0.9 * 1 + 0.1 * 14.0 / 3, within(1e-12));
        assertThat(bn.state().get("num-batches-tracked").get(0)).isEqualTo(1.0);
        Tensor e = bn.forward(Tensor.of(DType.F64, new double[] {0.3}, 1, 1), Mode.EVAL);
        // PyTorch's num_batches_tracked counts training-mode passes only
        assertThat(bn.state().get("num-batches-tracked").get(0)).isEqualTo(1.0);
        assertThat(bn.buffers()).containsExactly(bn.state().get("running-mean"), bn.state().get("running-var"),
                bn.state().get("num-batches-tracked"));
        assertThat(e.get(0)).isCloseTo((0.3 - 0.3) / Math.sqrt(0.9 + 1.4 / 3 + 1e-5), within(1e-12));
        assertThat(bn.parameters()).extracting(Parameter::role).containsExactly(Parameter.Role.SCALE, Parameter.Role.SHIFT);
        assertThat(bn.parameters().get(0).value().get(0)).isEqualTo(1.0);
        assertThat(bn.parameters().get(1).value().get(0)).isEqualTo(0.0);
        assertThat(bn.parameters()).noneMatch(p -> p.value() == bn.state().get("running-mean") || p.value() == bn.state().get("running-var"));
    }

    @Test
    void batchNormRefusesATrainingBatchOfOneSample() {
        BatchNorm bn = new BatchNorm("bn3", 1e-5, 0.1, true);
        bn.build(2, TestContexts.f64());
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(DType.F64, 1, 2), Mode.TRAIN))
                .isInstanceOf(GradlabException.class).hasMessageContaining("bn3").hasMessageContaining("at least 2");
        assertThat(bn.forward(Tensor.zeros(DType.F64, 1, 2), Mode.EVAL).rows()).isEqualTo(1);
    }

    @Test
    void layerNormGradientIsExactAndEachSampleIsNormalised() {
        assertThat(NumericGradient.check(new LayerNorm("ln", 1e-5, true), 5, 3, Mode.TRAIN, 4)).isEqualTo(15 + 10);
        assertThat(NumericGradient.check(new LayerNorm("ln", 1e-5, false), 5, 3, Mode.EVAL, 5)).isEqualTo(15);
        LayerNorm ln = new LayerNorm("ln", 1e-5, false);
        ln.build(8, TestContexts.f64());
        Tensor y = ln.forward(random(3, 8, 2), Mode.EVAL);
        for (int r = 0; r < 3; r++) {
            double mean = 0;
            double sq = 0;
            for (int c = 0; c < 8; c++) {
                mean += y.get(r, c) / 8;
                sq += y.get(r, c) * y.get(r, c) / 8;
            }
            assertThat(mean).isCloseTo(0, within(1e-12));
            assertThat(sq).isCloseTo(1, within(1e-4));
        }
    }

    @Test
    void customNormGradientIsTheExactDerivativeForEachVariant() {
        for (CustomNorm.Over over : CustomNorm.Over.values()) {
            for (boolean unbiased : new boolean[] {true, false}) {
                assertThat(NumericGradient.check(new CustomNorm("cn", over, 1e-6, unbiased), 4, 5, Mode.TRAIN, 7)).isEqualTo(20);
            }
        }
    }

    @Test
    void customNormOverTheTensorGivesMeanZeroAndUnbiasedStdOne() {
        CustomNorm cn = new CustomNorm("cn", CustomNorm.Over.TENSOR, 1e-9, true);
        cn.build(6, TestContexts.f64());
        Tensor y = cn.forward(random(5, 6, 8), Mode.EVAL);
        assertThat(meanAndStd(y.toDoubleArray())[0]).isCloseTo(0, within(1e-12));
        assertThat(meanAndStd(y.toDoubleArray())[1]).isCloseTo(1, within(1e-8));
        CustomNorm perFeature = new CustomNorm("cf", CustomNorm.Over.FEATURE, 1e-9, false);
        perFeature.build(2, TestContexts.f64());
        Tensor z = perFeature.forward(Tensor.of(DType.F64, new double[] {1, 10, 3, 10, 5, 40}, 3, 2), Mode.TRAIN);
        double s = Math.sqrt(8.0 / 3); // column 0: mean 3, biased variance 8/3
        assertThat(z.get(0, 0)).isCloseTo(-2 / (s + 1e-9), within(1e-9));
        assertThat(z.get(2, 1)).isCloseTo(20 / (Math.sqrt(200.0) + 1e-9), within(1e-9));
        assertThat(cn.parameters()).isEmpty();
    }

    @Test
    void gradNormIsTheIdentityForwardAndStandardisesTheGradient() {
        GradNorm gn = new GradNorm("gn", 1e-6);
        gn.build(7, TestContexts.f64());
        Tensor x = random(9, 7, 11);
        assertThat(gn.forward(x, Mode.TRAIN).toDoubleArray()).containsExactly(x.toDoubleArray());
        Tensor g = random(9, 7, 12);
        for (int i = 0; i < g.size(); i++) {
            g.set(i, 1e-4 * g.get(i) + 3e-4); // a small, off-centre gradient, as deep in a sigmoid net
        }
        double stdIn = meanAndStd(g.toDoubleArray())[1];
        double[] ms = meanAndStd(gn.backward(g).toDoubleArray());
        assertThat(ms[0]).isCloseTo(0, within(1e-12));
        assertThat(ms[1]).isCloseTo(stdIn / (stdIn + 1e-6), within(1e-12)).isGreaterThan(0.99);
    }

    @Test
    void gradNormOfAnOrdinaryGradientHasMeanZeroAndStdOne() {
        GradNorm gn = new GradNorm("gn", 1e-6);
        gn.build(5, TestContexts.f64());
        gn.forward(random(4, 5, 1), Mode.TRAIN);
        double[] ms = meanAndStd(gn.backward(random(4, 5, 2)).toDoubleArray());
        assertThat(ms[0]).isCloseTo(0, within(1e-12));
        assertThat(ms[1]).isCloseTo(1, within(1e-5));
    }

    static double[] meanAndStd(double[] v) {
        double mean = 0;
        for (double d : v) {
            mean += d / v.length;
        }
        double ss = 0;
        for (double d : v) {
            ss += (d - mean) * (d - mean);
        }
        return new double[] {mean, Math.sqrt(ss / (v.length - 1))};
    }

    static Tensor random(int rows, int cols, long seed) {
        SeededRandom r = new SeededRandom(seed);
        Tensor t = Tensor.zeros(DType.F64, rows, cols);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, r.normal(0.5, 2));
        }
        return t;
    }
}
