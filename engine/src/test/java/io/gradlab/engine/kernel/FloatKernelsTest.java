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

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} x {1}, columns [{2}, {3}), beta {4}")
    @org.junit.jupiter.params.provider.CsvSource({"512,128,0,128,0", "64,128,64,128,1", "7,203,3,200,0.5", "1,17,0,17,0", "0,40,0,40,1"})
    void columnSumsAreTheRowOrderSumsOfEveryKernelBitForBit(int rows, int cols, int from, int to, float beta) {
        Random r = new Random(rows * 7L + cols);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float[] start = new float[cols];
        for (int c = 0; c < cols; c++) {
            start[c] = beta == 0 ? Float.NaN : (float) r.nextGaussian(); // ignored when beta is 0
        }
        float[] expected = start.clone();
        for (int c = from; c < to; c++) {
            float s = beta == 0 ? 0f : start[c] * beta;
            for (int row = 0; row < rows; row++) {
                s += x[row * cols + c];
            }
            expected[c] = s;
        }
        for (FloatKernels k : all()) {
            float[] o = start.clone();
            k.columnSums(x, rows, cols, beta, o, from, to);
            for (int c = 0; c < cols; c++) {
                assertThat(Float.floatToIntBits(o[c])).as("%s column %d", k.name(), c).isEqualTo(Float.floatToIntBits(expected[c]));
            }
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} x {1}, rows [{2}, {3}), columns [{4}, {5})")
    @org.junit.jupiter.params.provider.CsvSource({"512,128,0,512,0,128", "64,128,32,64,0,128", "9,203,2,9,64,203", "3,10,0,3,0,10"})
    void fillRowsWritesTheRowIntoTheBlockAndNothingElse(int rows, int cols, int r0, int r1, int c0, int c1) {
        float[] row = new float[cols];
        for (int c = 0; c < cols; c++) {
            row[c] = c + 0.5f;
        }
        for (FloatKernels k : all()) {
            float[] m = new float[rows * cols];
            java.util.Arrays.fill(m, -1f);
            k.fillRows(m, row, cols, r0, r1, c0, c1);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    boolean inside = r >= r0 && r < r1 && c >= c0 && c < c1;
                    assertThat(m[r * cols + c]).as("%s [%d, %d]", k.name(), r, c).isEqualTo(inside ? row[c] : -1f);
                }
            }
        }
    }

    @Test
    void countInBandsCountsTheColumnsElementsInEitherBandAndReportsOutputsOutsideZeroToOne() {
        Random r = new Random(8);
        float[][] bands = {{0.1f, 0.9f}, {-1f, 2f}, {0.5f, 0.5f}, {0f, 1f}, {-1f, 0.75f}};
        for (int[] shape : new int[][] {{50, 128}, {9, 37}, {1, 5}, {17, 16}}) {
            int rows = shape[0];
            int units = shape[1];
            for (boolean strays : new boolean[] {false, true}) {
                float[] y = new float[rows * units];
                for (int i = 0; i < y.length; i++) {
                    y[i] = switch (r.nextInt(8)) {
                        case 0 -> 0.1f;
                        case 1 -> 0.9f;
                        case 2 -> 0f;
                        case 3 -> 1f;
                        default -> r.nextFloat();
                    };
                }
                if (strays) {
                    y[r.nextInt(y.length)] = Float.NaN;
                    y[r.nextInt(y.length)] = -0.25f;
                    y[y.length - 1] = 1.0001f;
                }
                for (float[] band : bands) {
                    long[] expected = new long[units];
                    for (int i = 0; i < y.length; i++) {
                        float v = y[i];
                        if (v >= 0 && v <= 1 && (v <= band[0] || v >= band[1])) {
                            expected[i % units]++;
                        }
                    }
                    for (FloatKernels k : all()) {
                        long[] counts = new long[units];
                        boolean outside = k.countInBands(y, rows, units, band[0], band[1], counts);
                        assertThat(counts).as("%s %dx%d bands %s", k.name(), rows, units, java.util.Arrays.toString(band))
                                .containsExactly(expected);
                        assertThat(outside).as(k.name()).isEqualTo(strays);
                    }
                }
            }
        }
    }
}
