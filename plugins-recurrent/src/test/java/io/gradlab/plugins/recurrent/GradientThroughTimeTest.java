package io.gradlab.plugins.recurrent;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The textbook result: in a linear RNN, dL/dh_t = (W_hh^T)^(T-1-t) dL/dh_{T-1}; with W_hh = rho Q (Q
 * orthogonal) every norm shrinks or grows by exactly rho per step, so log ||dL/dh_t|| falls on a line
 * of slope log rho against the distance from the loss.
 */
class GradientThroughTimeTest {
    private static final int STEPS = 20;

    private static RnnLayer linearRnn(double rho, int truncate, DType dtype) {
        RecurrentConfig config = new RecurrentConfig(8, STEPS, 0, false, truncate, RecurrentInit.ORTHOGONAL, rho);
        RnnLayer layer = new RnnLayer("rnn", config, RnnLayer.Activation.IDENTITY);
        layer.build(STEPS * 3, new TestSupport.Context(dtype, 4, 0.3));
        return layer;
    }

    private static double[] backward(RecurrentLayer layer, DType dtype) {
        Tensor x = TestSupport.normal(dtype, TestSupport.random(1), 1, 5, STEPS * 3);
        layer.forward(x, Mode.TRAIN);
        layer.backward(TestSupport.normal(dtype, TestSupport.random(2), 1, 5, 8));
        return layer.lastGradientNorms();
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 0.9, 1.1, 1.5})
    void theSlopeOfTheLogGradientNormIsTheLogOfTheSpectralRadius(double rho) {
        double[] norms = backward(linearRnn(rho, 0, DType.F64), DType.F64);
        double slope = Math.log(RecurrentDiagnostic.gainPerStep(norms, 0));
        assertThat(slope).isCloseTo(Math.log(rho), org.assertj.core.data.Percentage.withPercentage(10));
        // and step by step, not only on average
        for (int t = 0; t < STEPS - 1; t++) {
            assertThat(norms[t] / norms[t + 1]).isCloseTo(rho, org.assertj.core.data.Percentage.withPercentage(1e-6));
        }
    }

    @Test
    void float32GivesTheSameCurve() {
        double[] norms = backward(linearRnn(1.5, 0, DType.F32), DType.F32);
        assertThat(Math.log(RecurrentDiagnostic.gainPerStep(norms, 0))).isCloseTo(Math.log(1.5), org.assertj.core.data.Percentage.withPercentage(1));
    }

    @Test
    void truncationStopsTheGradientAfterKSteps() {
        double[] norms = backward(linearRnn(0.9, 4, DType.F64), DType.F64);
        for (int t = 0; t < STEPS; t++) {
            if (t >= STEPS - 4) {
                assertThat(norms[t]).as("t=%d", t).isPositive();
            } else {
                assertThat(norms[t]).as("t=%d", t).isZero();
            }
        }
    }

    @Test
    void theEpochAverageIsTheMeanOfThePassesAndStartsOver() {
        RnnLayer layer = linearRnn(0.9, 0, DType.F64);
        double[] first = backward(layer, DType.F64);
        double[] second = backward(layer, DType.F64);
        double[] mean = layer.drainGradientNorms();
        assertThat(mean).hasSize(STEPS);
        assertThat(mean[3]).isCloseTo((first[3] + second[3]) / 2, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(layer.drainGradientNorms()).isEmpty();
    }
}
