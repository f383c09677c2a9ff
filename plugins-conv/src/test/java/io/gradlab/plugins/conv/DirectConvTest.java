package io.gradlab.plugins.conv;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.testkit.SplitOps;
import io.gradlab.testkit.TestBuildContext;
import io.gradlab.testkit.TestContexts;
import org.junit.jupiter.api.Test;

/**
 * The direct kernels of float32 stride-1 "same" convolutions ({@link DirectConv}) against the float64 im2col
 * path (which the PyTorch fixture checks): output, input gradient, weight and bias gradients, over two steps
 * (the second adds to the first's parameter gradients), split into 1 and 3 parts, for 3x3, 5x5 and dilated
 * kernels, stride 2 (the input in phase planes), planes whose padded rows are not a whole number of vectors, 1 to 4
 * vectors of output channels, input
 * channels that are and are not a multiple of eight, and the first layer (no input gradient); and the same bits on
 * every repetition.
 */
class DirectConvTest {
    /** The float32 layer's results (output, input gradient or null, then each parameter gradient) after two steps. */
    private static double[][] run(ImageShape in, int channels, Window window, boolean bias, boolean inputGradient, DType dtype, int threads,
            boolean direct) {
        int batch = 11;
        Conv2d conv = new Conv2d("c", in, channels, window, bias, "linear", null).directKernels(direct);
        int out = conv.build(in.size(), new TestBuildContext(dtype, 3).withOps(SplitOps.reversed(threads)));
        assertThat(conv.usesDirectKernels()).as("direct kernels for " + dtype + " " + window).isEqualTo(direct && dtype == DType.F32 && DirectConv.worthIt());
        conv.setInputGradientRequired(inputGradient);
        SeededRandom random = new SeededRandom(17);
        Tensor x = TestContexts.randomNormal(DType.F64, random, 1.0, batch, in.size());
        Tensor g = TestContexts.randomNormal(DType.F64, random, 1.0, batch, out);
        Tensor xs = Tensor.zeros(dtype, batch, in.size());
        Tensor gs = Tensor.zeros(dtype, batch, out);
        for (int i = 0; i < x.size(); i++) {
            xs.set(i, (float) x.get(i)); // the same values in both types
        }
        for (int i = 0; i < g.size(); i++) {
            gs.set(i, (float) g.get(i));
        }
        double[] y = null;
        double[] dx = null;
        for (int step = 0; step < 2; step++) {
            y = conv.forward(xs, Mode.TRAIN).toDoubleArray();
            Tensor d = conv.backward(gs);
            dx = d == null ? null : d.toDoubleArray();
        }
        double[][] results = new double[2 + conv.parameters().size()][];
        results[0] = y;
        results[1] = dx;
        for (int k = 0; k < conv.parameters().size(); k++) {
            results[2 + k] = conv.parameters().get(k).grad().toDoubleArray();
        }
        return results;
    }

    private static void agreesWithFloat64(ImageShape in, int channels, Window window, boolean bias, boolean inputGradient) {
        double[][] reference = run(in, channels, window, bias, inputGradient, DType.F64, 1, false);
        String[] names = {"output", "input gradient", "weight gradient", "bias gradient"};
        for (int threads : new int[] {1, 3}) {
            double[][] direct = run(in, channels, window, bias, inputGradient, DType.F32, threads, true);
            assertThat(direct[1] == null).as("an input gradient exactly when required").isEqualTo(!inputGradient);
            for (int r = 0; r < reference.length; r++) {
                if (reference[r] == null) {
                    continue;
                }
                double largest = 0;
                for (double v : reference[r]) {
                    largest = Math.max(largest, Math.abs(v));
                }
                assertThat(largest).as(names[r] + " is not all zeros").isGreaterThan(0.5);
                // a parameter gradient sums over every pixel of the batch in float32 (in blocks of samples): 1e-5 of the largest
                double tolerance = (r >= 2 ? 1e-5 : 2e-6) * largest;
                for (int i = 0; i < reference[r].length; i++) {
                    double err = Math.abs(direct[r][i] - reference[r][i]);
                    assertThat(err).as(names[r] + " element " + i + " of " + in + " -> " + channels + " " + window + ", " + threads + " parts: "
                            + direct[r][i] + " against float64 " + reference[r][i]).isLessThanOrEqualTo(tolerance);
                }
            }
            double[][] again = run(in, channels, window, bias, inputGradient, DType.F32, threads, true);
            for (int r = 0; r < direct.length; r++) {
                assertThat(again[r]).as(names[r] + ": the same bits on a second run").isEqualTo(direct[r]);
            }
        }
    }

    @Test
    void a3x3ConvolutionAgreesWithFloat64Im2col() {
        agreesWithFloat64(new ImageShape(8, 9, 7), 16, new Window(3, 1, 1, 1), false, true);
        // 8 output channels: less than a vector of 16, so the weight and input gradients go through im2col
        agreesWithFloat64(new ImageShape(16, 28, 28), 8, new Window(3, 1, 1, 1), true, true);
        // two, four and three vectors of output channels (the weight gradient's kernels for 2, 4 and 1 vectors at a time)
        agreesWithFloat64(new ImageShape(8, 6, 5), 32, new Window(3, 1, 1, 1), true, true);
        agreesWithFloat64(new ImageShape(16, 5, 5), 64, new Window(3, 1, 1, 1), false, true);
        agreesWithFloat64(new ImageShape(8, 7, 7), 48, new Window(3, 1, 1, 1), true, true);
    }

    @Test
    void widerAndDilatedKernelsAgreeToo() {
        agreesWithFloat64(new ImageShape(8, 11, 6), 16, new Window(5, 1, 2, 1), true, true);
        agreesWithFloat64(new ImageShape(8, 10, 10), 16, new Window(3, 1, 2, 2), false, true);
    }

    @Test
    void stride2ConvolutionsReadThePhasePlanes() {
        // ResNet's transitions (3x3, stride 2); odd sizes, a 5x5 kernel, a first layer
        agreesWithFloat64(new ImageShape(16, 28, 28), 32, new Window(3, 2, 1, 1), false, true);
        agreesWithFloat64(new ImageShape(8, 14, 14), 64, new Window(3, 2, 1, 1), true, true);
        agreesWithFloat64(new ImageShape(8, 7, 9), 16, new Window(3, 2, 1, 1), true, true);
        agreesWithFloat64(new ImageShape(8, 11, 10), 16, new Window(5, 2, 2, 1), false, true);
        agreesWithFloat64(new ImageShape(3, 9, 9), 8, new Window(3, 2, 0, 1), true, false);
    }

    @Test
    void inputChannelsThatAreNotAMultipleOfEightAndTheFirstLayer() {
        // the input gradient's convolution has the input's channels as outputs: 3 of them go through im2col, the rest stays direct
        agreesWithFloat64(new ImageShape(3, 12, 12), 8, new Window(3, 1, 1, 1), true, true);
        agreesWithFloat64(new ImageShape(1, 28, 28), 16, new Window(3, 1, 1, 1), false, false);
    }

    @Test
    void otherShapesStayOnIm2col() {
        ImageShape in = new ImageShape(8, 10, 10);
        TestBuildContext ctx = new TestBuildContext(DType.F32, 1).withOps(SplitOps.reversed(1));
        Conv2d strided = new Conv2d("s", in, 8, new Window(3, 3, 1, 1), false, "linear", null);
        Conv2d dilatedStrided = new Conv2d("t", in, 8, new Window(3, 2, 2, 2), false, "linear", null);
        Conv2d pointwise = new Conv2d("p", in, 16, new Window(1, 1, 0, 1), false, "linear", null);
        Conv2d projection = new Conv2d("q", in, 16, new Window(1, 2, 0, 1), false, "linear", null);
        Conv2d valid = new Conv2d("v", in, 8, new Window(3, 1, 0, 1), false, "linear", null);
        Conv2d odd = new Conv2d("o", in, 12, new Window(3, 1, 1, 1), false, "linear", null);
        Conv2d same = new Conv2d("d", in, 8, new Window(3, 1, 1, 1), false, "linear", null);
        for (Conv2d c : new Conv2d[] {strided, dilatedStrided, pointwise, projection, valid, odd, same}) {
            c.build(in.size(), ctx);
        }
        assertThat(strided.usesDirectKernels()).as("stride 3").isFalse();
        assertThat(dilatedStrided.usesDirectKernels()).as("stride 2 with dilation 2").isFalse();
        assertThat(pointwise.usesDirectKernels()).as("1x1").isFalse();
        assertThat(projection.usesDirectKernels()).as("1x1, stride 2").isFalse();
        assertThat(valid.usesDirectKernels()).as("an output smaller than the input").isFalse();
        assertThat(odd.usesDirectKernels()).as("12 output channels").isFalse();
        assertThat(same.usesDirectKernels()).as("8 output channels, stride 1, same size").isEqualTo(DirectConv.worthIt());
    }
}
