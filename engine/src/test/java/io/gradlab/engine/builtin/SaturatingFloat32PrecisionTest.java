package io.gradlab.engine.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.nn.Activation;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.testkit.TestContexts;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The built-in sigmoid (and tanh, below) in float32 through the engine's kernels keeps its relative precision in the
 * saturated tails, where saturation diagnostics read it: the output and the derivative (the backward
 * pass with {@code gradY = 1}) are within 1e-6 relative of the float64 values wherever those are
 * normal floats, also far out on the left (from x = -87), where {@code 1 - y} would cancel.
 */
class SaturatingFloat32PrecisionTest {
    private static final BlasOps OPS = BlasOps.create("auto", 2);

    /** Dense on [-87, -5] (step 1/128), then [-5, 30] (step 1/256), then random floats on [-87, 30]. */
    private static float[] inputs() {
        int left = 82 * 128;
        int right = 35 * 256;
        int random = 10_000;
        float[] x = new float[left + right + 1 + random];
        int n = 0;
        for (int i = 0; i < left; i++) {
            x[n++] = -87f + i / 128f;
        }
        for (int i = 0; i <= right; i++) {
            x[n++] = -5f + i / 256f;
        }
        Random r = new Random(17);
        while (n < x.length) {
            x[n++] = -87f + 117f * r.nextFloat();
        }
        return x;
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }

    private static double tanhDerivative(double x) {
        double e = Math.exp(-2 * Math.abs(x));
        return 4 * e / ((1 + e) * (1 + e));
    }

    @Test
    void outputAndDerivativeAreWithinOneMillionthOfFloat64() {
        check(new Sigmoid(), "sigmoid", inputs(), SaturatingFloat32PrecisionTest::sigmoid, v -> sigmoid(v) * sigmoid(-v));
    }

    /**
     * The same for tanh, whose derivative {@code 1 - y^2} would be exactly 0 in float32 from |x| = 9
     * (and lose all its digits well before): small inputs near 0 too, where tanh(x) is about x.
     */
    @Test
    void tanhOutputAndDerivativeAreWithinOneMillionthOfFloat64() {
        float[] tails = inputs();
        float[] xs = java.util.Arrays.copyOf(tails, tails.length + 2 * 60);
        for (int i = 0; i < 60; i++) {
            xs[tails.length + 2 * i] = (float) Math.pow(10, -i / 2.0);
            xs[tails.length + 2 * i + 1] = -(float) Math.pow(10, -i / 3.0);
        }
        check(new Tanh(), "tanh", xs, Math::tanh, SaturatingFloat32PrecisionTest::tanhDerivative);
    }

    private static void check(Activation activation, String name, float[] xs,
            java.util.function.DoubleUnaryOperator f, java.util.function.DoubleUnaryOperator df) {
        Tensor x = Tensor.zeros(DType.F32, xs.length / 100 + 1, 100);
        for (int i = 0; i < x.size(); i++) {
            x.set(i, xs[i % xs.length]);
        }
        activation.bind(100, TestContexts.context(DType.F32, 1).withOps(OPS));
        Tensor y = Tensor.zeros(DType.F32, x.shape());
        Tensor ones = Tensor.zeros(DType.F32, x.shape());
        ones.fill(1.0);
        Tensor gradX = Tensor.zeros(DType.F32, x.shape());
        activation.forward(x, y);
        activation.backward(x, y, ones, gradX);

        int checked = 0;
        Worst value = new Worst(name);
        Worst derivative = new Worst(name + "'");
        for (int i = 0; i < x.size(); i++) {
            double v = x.get(i);
            double s = f.applyAsDouble(v);
            double d = df.applyAsDouble(v);
            if (Math.abs(s) >= Float.MIN_NORMAL) {
                value.add(v, y.get(i), s);
                checked++;
            }
            if (d >= Float.MIN_NORMAL) {
                derivative.add(v, gradX.get(i), d);
            }
        }
        assertThat(checked).isGreaterThan(25_000);
        value.assertWithin(1e-6);
        derivative.assertWithin(1e-6);
    }

    /** The largest relative error seen, and where. */
    private static final class Worst {
        private final String what;
        private double error;
        private double at;
        private double actual;
        private double expected;

        Worst(String what) {
            this.what = what;
        }

        void add(double x, double actual, double expected) {
            double e = Math.abs(actual - expected) / Math.abs(expected);
            if (!(e <= error)) {
                error = e;
                at = x;
                this.actual = actual;
                this.expected = expected;
            }
        }

        void assertWithin(double relative) {
            assertThat(error).as("%s(%s) is %s in float32 through %s, %s in float64", what, at, actual, OPS.describe(), expected)
                    .isLessThanOrEqualTo(relative);
        }
    }
}
