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
 * conv2d takes small images several samples per matrix product: a batch of 70 (two full groups of
 * 28 and a partial one per thread) gives exactly what each sample gives alone, forward and backward.
 */
class GroupingTest {
    private static void sameAsOneByOne(Window window) {
        ImageShape in = new ImageShape(2, 6, 6);
        int batch = 70;
        Conv2d grouped = new Conv2d("c", in, 3, window, true, "linear", null);
        Conv2d single = new Conv2d("c", in, 3, window, true, "linear", null);
        int out = grouped.build(in.size(), TestContexts.f64(5));
        single.build(in.size(), TestContexts.f64(5));
        grouped.setInputGradientRequired(true);
        single.setInputGradientRequired(true);
        SeededRandom random = new SeededRandom(9);
        Tensor x = TestContexts.randomNormal(DType.F64, random, 1.0, batch, in.size());
        Tensor g = TestContexts.randomNormal(DType.F64, random, 1.0, batch, out);
        double[] y = grouped.forward(x, Mode.TRAIN).toDoubleArray();
        double[] dx = grouped.backward(g).toDoubleArray();
        for (int n = 0; n < batch; n++) {
            Tensor yn = single.forward(x.slice(n, n + 1).copy(), Mode.TRAIN);
            Tensor dxn = single.backward(g.slice(n, n + 1).copy());
            for (int i = 0; i < out; i++) {
                assertThat(yn.get(i)).as("output of sample " + n).isCloseTo(y[n * out + i], within(1e-12));
            }
            for (int i = 0; i < in.size(); i++) {
                assertThat(dxn.get(i)).as("input gradient of sample " + n).isCloseTo(dx[n * in.size() + i], within(1e-12));
            }
        }
        for (int k = 0; k < 2; k++) {
            Tensor a = grouped.parameters().get(k).grad();
            Tensor b = single.parameters().get(k).grad();
            for (int i = 0; i < a.size(); i++) {
                assertThat(b.get(i)).as("gradient of parameter " + k).isCloseTo(a.get(i), within(1e-10));
            }
        }
    }

    @Test
    void aStride1ConvolutionGivesWhatEachSampleGivesAlone() {
        sameAsOneByOne(new Window(3, 1, 1, 1));
    }

    @Test
    void aStride2ConvolutionGivesWhatEachSampleGivesAlone() {
        sameAsOneByOne(new Window(3, 2, 1, 1));
    }
}
