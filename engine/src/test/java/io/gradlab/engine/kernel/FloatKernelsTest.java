package io.gradlab.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FloatKernelsTest {

    private static List<FloatKernels> all() {
        List<FloatKernels> list = new ArrayList<>(List.of(ScalarKernels.INSTANCE));
        if (VectorSupport.available()) {
            list.add(FloatKernels.get());
        }
        return list;
    }

    @Test
    void theTestJvmHasTheVectorKernels() {
        // surefire runs the engine's tests with --add-modules jdk.incubator.vector, so both paths are tested
        assertThat(FloatKernels.get().name()).isEqualTo("vector");
    }

    @Test
    void sigmoidMatchesTheDefinitionAndStaysFiniteInTheTails() {
        Random r = new Random(3);
        int n = 1037; // not a multiple of any vector length
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 8);
        }
        x[0] = 1000f;
        x[1] = -1000f;
        x[2] = Float.POSITIVE_INFINITY;
        x[3] = Float.NEGATIVE_INFINITY;
        x[4] = 0f;
        x[n - 1] = -88.5f;
        for (FloatKernels k : all()) {
            float[] y = new float[n];
            k.sigmoid(x, y, 0, n);
            for (int i = 0; i < n; i++) {
                double expected = 1 / (1 + Math.exp(-(double) x[i]));
                assertThat((double) y[i]).as("%s sigmoid(%s)", k.name(), x[i]).isCloseTo(expected, within(2e-7));
                assertThat(y[i]).isBetween(0f, 1f);
            }
            assertThat(y[0]).isEqualTo(1f);
            assertThat(y[1]).isEqualTo(0f);
            assertThat(y[4]).isEqualTo(0.5f);
            // the vector loop and its masked tail give the same bits for the same input
            float[] same = new float[37];
            java.util.Arrays.fill(same, -3.3f);
            float[] out = new float[37];
            k.sigmoid(same, out, 0, 37);
            for (float v : out) {
                assertThat(v).isEqualTo(out[0]);
            }
        }
    }

    @Test
    void sigmoidBackwardIsYTimesOneMinusYTimesTheGradient() {
        float[] y = {0.5f, 0.25f, 1f, 0f, 0.9f, 0.1f, 0.3f, 0.7f, 0.2f, 0.8f, 0.6f, 0.4f, 0.5f, 0.5f, 0.5f, 0.5f, 0.35f, 0.65f};
        float[] g = new float[y.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = i - 7;
        }
        for (FloatKernels k : all()) {
            float[] out = new float[y.length];
            k.sigmoidBackward(y, g, out, 0, y.length);
            for (int i = 0; i < y.length; i++) {
                assertThat(out[i]).isEqualTo(y[i] * (1f - y[i]) * g[i]);
            }
        }
    }

    @Test
    void reductionsMatchDoubleSums() {
        Random r = new Random(5);
        int n = 100_003;
        float[] a = new float[n + 7];
        float[] b = new float[n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            b[i] = (float) r.nextGaussian();
        }
        double ss = 0;
        double dot = 0;
        for (int i = 0; i < n; i++) {
            ss += (double) a[i + 7] * a[i + 7];
            dot += (double) a[i] * b[i];
        }
        for (FloatKernels k : all()) {
            assertThat(k.sumOfSquares(a, 7, n)).as(k.name()).isCloseTo(ss, within(ss * 1e-6));
            assertThat(k.dot(a, b, n)).as(k.name()).isCloseTo(dot, within(1e-2));
            assertThat(k.sumOfSquares(a, 0, 0)).isZero();
            // deterministic: the same call gives the same bits
            assertThat(k.sumOfSquares(a, 7, n)).isEqualTo(k.sumOfSquares(a, 7, n));
        }
    }
}
