package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.data.Dataset;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.nn.DefaultBuildContext;
import io.gradlab.engine.nn.Dense;
import io.gradlab.engine.nn.MeanSquaredError;
import io.gradlab.engine.nn.SoftmaxCrossEntropy;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
    /** The identity matrix: the model's outputs are its inputs. */
    private static final Initializer IDENTITY = (w, fan, random) -> {
        w.fill(0);
        for (int i = 0; i < Math.min(w.rows(), w.cols()); i++) {
            w.set(i * w.cols() + i, 1);
        }
    };

    private static Layer identity(int width) {
        Layer model = new Dense("output", width, true, IDENTITY, null, "linear");
        model.build(width, new DefaultBuildContext(DType.F32, new BlasOps(), new SeededRandom(1), IDENTITY, null));
        return model;
    }

    @Test
    void theArgmaxCountsTheFirstOfEqualMaxima() {
        Tensor out = Tensor.of(DType.F32, new double[] {0.1, 0.7, 0.2, 0.5, 0.5, 0, -1, -3, -2}, 3, 3);
        assertThat(Evaluator.correct(out, Tensor.of(DType.F32, new double[] {1, 0, 0}, 3, 1), 3)).isEqualTo(3);
        assertThat(Evaluator.correct(out, Tensor.of(DType.F32, new double[] {2, 1, 2}, 3, 1), 3)).isZero();
        assertThat(Evaluator.correct(out, Tensor.of(DType.F32, new double[] {1, 0, 0}, 3, 1), 0)).as("regression").isZero();
    }

    @Test
    void lossAndAccuracyAreMeansOverAllSamplesAcrossBatches() {
        // 5 samples, batches of 2 (2 + 2 + 1): rows 0, 2 and 4 are right
        float[] features = {3, 0, 0, 0, 0, 3, 3, 0, 0, 0, 3, 0, 0, 0, 3};
        Dataset data = Dataset.classification("five", features, new int[] {0, 0, 0, 0, 2}, 3, 3);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        double[] result = new Evaluator(DType.F32, loss, 2).evaluate(identity(3), data);
        double right = -Math.log(Math.exp(3) / (Math.exp(3) + 2));
        double wrong = -Math.log(1 / (Math.exp(3) + 2));
        assertThat(result[0]).isCloseTo((3 * right + 2 * wrong) / 5, within(1e-5));
        assertThat(result[1]).isEqualTo(3 / 5.0);
        assertThat(new Evaluator(DType.F32, loss, 64).evaluate(identity(3), data)).containsExactly(result, within(1e-6));
    }

    @Test
    void regressionHasNoAccuracyAndNoDataHasNeither() {
        Dataset data = new Dataset("reg", new float[] {1, 2, 3, 4}, new float[] {1, 2, 3, 6}, 2, 2, 2, 0, 1);
        double[] result = new Evaluator(DType.F32, new MeanSquaredError(), 1).evaluate(identity(2), data);
        assertThat(result[0]).isCloseTo((0 + 2) / 2.0, within(1e-6)); // per-sample MSE 0 and (0 + 2^2) / 2
        assertThat(result[1]).isNaN();
        assertThat(new Evaluator(DType.F32, new MeanSquaredError(), 8).evaluate(identity(2), null)).containsExactly(Double.NaN, Double.NaN);
        Dataset empty = new Dataset("empty", new float[0], new float[0], 0, 2, 2, 0, 1);
        assertThat(new Evaluator(DType.F32, new MeanSquaredError(), 8).evaluate(identity(2), empty)).containsExactly(Double.NaN, Double.NaN);
    }

    @Test
    void aBatchSizeBelowOneIsRejected() {
        assertThatThrownBy(() -> new Evaluator(DType.F32, new MeanSquaredError(), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
