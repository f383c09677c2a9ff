package io.gradlab.plugins.conv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.testkit.TestContexts;
import org.junit.jupiter.api.Test;

/**
 * The two ways conv2d computes a stride-1 weight gradient agree: from the input gradient's
 * flipped-kernel columns of dY (when the input gradient is required) and from the input's own column
 * matrices (the first layer, whose input gradient nobody reads); and batch-norm2d's batch statistics
 * stay accurate for float32 activations far from zero.
 */
class BackwardPathsTest {
    private static void sameWeightGradient(ImageShape in, int channels, Window window, boolean bias) {
        int batch = 37;
        Conv2d withInput = new Conv2d("c", in, channels, window, bias, "linear", null);
        Conv2d weightsOnly = new Conv2d("c", in, channels, window, bias, "linear", null);
        int out = withInput.build(in.size(), TestContexts.f64(3));
        weightsOnly.build(in.size(), TestContexts.f64(3));
        withInput.setInputGradientRequired(true);
        weightsOnly.setInputGradientRequired(false);
        SeededRandom random = new SeededRandom(17);
        Tensor x = TestContexts.randomNormal(DType.F64, random, 1.0, batch, in.size());
        Tensor g = TestContexts.randomNormal(DType.F64, random, 1.0, batch, out);
        for (int step = 0; step < 2; step++) { // the second step adds to the first's gradients
            withInput.forward(x, Mode.TRAIN);
            assertThat(withInput.backward(g)).isNotNull();
            weightsOnly.forward(x, Mode.TRAIN);
            assertThat(weightsOnly.backward(g)).isNull();
        }
        for (int k = 0; k < withInput.parameters().size(); k++) {
            Tensor a = withInput.parameters().get(k).grad();
            Tensor b = weightsOnly.parameters().get(k).grad();
            double largest = 0;
            for (int i = 0; i < a.size(); i++) {
                largest = Math.max(largest, Math.abs(b.get(i)));
                assertThat(a.get(i)).as("gradient of parameter " + k + " element " + i).isCloseTo(b.get(i), within(1e-10));
            }
            assertThat(largest).as("a gradient that is not all zeros").isGreaterThan(1.0);
        }
    }

    @Test
    void the3x3WeightGradientIsTheSameEitherWay() {
        sameWeightGradient(new ImageShape(3, 9, 9), 4, new Window(3, 1, 1, 1), false);
    }

    @Test
    void withBiasUnpaddedAndDilatedTooSmallImagesGoingSeveralPerProduct() {
        sameWeightGradient(new ImageShape(2, 7, 8), 5, new Window(3, 1, 0, 2), true);
        sameWeightGradient(new ImageShape(2, 30, 30), 3, new Window(5, 1, 2, 1), true);
    }

    @Test
    void batchStatisticsOfFloat32ActivationsFarFromZeroAreAccurate() {
        ImageShape shape = new ImageShape(3, 10, 10);
        int batch = 16;
        BatchNorm2d bn = new BatchNorm2d("bn", shape, 1e-5, 1.0, true); // momentum 1: the running statistics are the batch's
        bn.build(shape.size(), TestContexts.f32(1));
        SeededRandom random = new SeededRandom(5);
        Tensor x = TestContexts.randomNormal(DType.F32, random, 0.5, batch, shape.size());
        double[] offsets = {1e4, -300, 0};
        for (int n = 0; n < batch; n++) {
            for (int i = 0; i < shape.size(); i++) {
                x.set(n * shape.size() + i, x.get(n * shape.size() + i) + offsets[i / shape.plane()]);
            }
        }
        bn.forward(x, Mode.TRAIN);
        Tensor runningMean = bn.buffers().get(0);
        Tensor runningVar = bn.buffers().get(1);
        int m = batch * shape.plane();
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            for (int n = 0; n < batch; n++) {
                for (int q = 0; q < shape.plane(); q++) {
                    sum += x.get(n * shape.size() + c * shape.plane() + q);
                }
            }
            double mean = sum / m;
            double squares = 0;
            for (int n = 0; n < batch; n++) {
                for (int q = 0; q < shape.plane(); q++) {
                    double d = x.get(n * shape.size() + c * shape.plane() + q) - mean;
                    squares += d * d;
                }
            }
            double unbiased = squares / (m - 1);
            assertThat(runningMean.get(c)).as("mean of channel " + c).isCloseTo(mean, within(Math.ulp((float) mean) * 1.0));
            assertThat(runningVar.get(c)).as("variance of channel " + c).isCloseTo(unbiased, within(1e-5 * unbiased));
        }
    }
}
