package io.gradlab.engine.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.nn.ElementwiseActivation;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built-in sigmoid counts small derivatives with two bands of outputs and a vector compare; the
 * counts are exactly those of the definition ({@link ElementwiseActivation}'s default, a derivative
 * per element in double), also right at the bands' edges and for outputs no sigmoid gives.
 */
class SigmoidSaturationCountTest {
    /** The same derivative, counted by the api's default. */
    private static final ElementwiseActivation DEFINITION = new ElementwiseActivation() {
        @Override
        public double value(double x) {
            return 1 / (1 + Math.exp(-x));
        }

        @Override
        public double derivative(double x, double y) {
            return y * (1.0 - y);
        }

        @Override
        public Family family() {
            return Family.SATURATING;
        }

        @Override
        public double maxDerivative() {
            return 0.25;
        }
    };

    /** Outputs in [0, 1] at random, the floats around where y (1 - y) crosses {@code limit}, and outputs no sigmoid gives. */
    private static float[] outputs(Random random, double limit, int n) {
        List<Float> v = new ArrayList<>();
        double root = limit < 0.25 ? (1 - Math.sqrt(1 - 4 * limit)) / 2 : 0.5;
        for (double edge : new double[] {root, 1 - root, 0.5, 0, 1}) {
            float f = (float) edge;
            for (int k = 0; k < 40; k++) {
                v.add(f);
                f = Math.nextUp(f);
            }
            f = (float) edge;
            for (int k = 0; k < 40; k++) {
                f = Math.nextDown(f);
                v.add(f);
            }
        }
        for (float special : new float[] {0f, -0f, 1f, Float.NaN, -1e-3f, -5f, 1.5f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.MIN_VALUE, 1e-30f, 1e-10f, 0.5f, 1 - 1e-7f}) {
            v.add(special);
        }
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = i < v.size() && random.nextInt(3) > 0 ? v.get(random.nextInt(v.size())) : random.nextFloat();
        }
        return y;
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(doubles = {1e-45, 1e-30, 1e-9, 1e-6, 0.0025, 0.01, 0.1, 0.2, 0.2499999, 0.25, 0.2500001, 0.3, 0.0, -1.0, Double.NaN,
        Double.MIN_VALUE})
    void theBandsCountExactlyWhatTheDefinitionCounts(double limit) {
        Sigmoid sigmoid = new Sigmoid();
        Random random = new Random(Double.hashCode(limit));
        for (int[] shape : new int[][] {{64, 128}, {7, 37}, {1, 1}, {3, 16}, {33, 130}}) {
            int rows = shape[0];
            int units = shape[1];
            float[] y = outputs(random, limit, rows * units);
            float[] x = new float[y.length]; // the sigmoid's derivative does not read x
            long[] expected = new long[units];
            long[] actual = new long[units];
            java.util.Arrays.fill(expected, 3); // both add to what is there
            java.util.Arrays.fill(actual, 3);
            DEFINITION.countSmallDerivatives(x, y, rows, units, limit, expected);
            sigmoid.countSmallDerivatives(x, y, rows, units, limit, actual);
            assertThat(actual).as("%d x %d, limit %s", rows, units, limit).containsExactly(expected);
        }
    }

    @ParameterizedTest(name = "limit {0}")
    @ValueSource(doubles = {0.0025, 0.01})
    void onlyOutputsNearZeroOrOneAreCounted(double limit) {
        float[] y = {0.0001f, 0.5f, 0.9999f, 0.3f};
        long[] counts = new long[4];
        new Sigmoid().countSmallDerivatives(new float[4], y, 1, 4, limit, counts);
        assertThat(counts).containsExactly(1, 0, 1, 0);
    }
}
