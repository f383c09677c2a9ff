package io.gradlab.plugins.remedies.norm;

import io.gradlab.api.tensor.Tensor;

/** Column statistics of a matrix {@code [rows, cols]}, accumulated in double. */
final class Stats {
    private Stats() {}

    /** {@code mean[c] = sum_r m[r, c] / rows}. */
    static void columnMeans(Tensor m, double[] mean) {
        int n = m.rows();
        int d = m.cols();
        java.util.Arrays.fill(mean, 0, d, 0.0);
        for (int r = 0; r < n; r++) {
            int row = r * d;
            for (int c = 0; c < d; c++) {
                mean[c] += m.get(row + c);
            }
        }
        for (int c = 0; c < d; c++) {
            mean[c] /= n;
        }
    }

    /** {@code out[c] = sum_r (m[r, c] - mean[c])^2}. */
    static void columnCentredSquares(Tensor m, double[] mean, double[] out) {
        int n = m.rows();
        int d = m.cols();
        java.util.Arrays.fill(out, 0, d, 0.0);
        for (int r = 0; r < n; r++) {
            int row = r * d;
            for (int c = 0; c < d; c++) {
                double v = m.get(row + c) - mean[c];
                out[c] += v * v;
            }
        }
    }

    /** The mean of all elements. */
    static double mean(Tensor m) {
        double s = 0;
        int size = m.size();
        for (int i = 0; i < size; i++) {
            s += m.get(i);
        }
        return s / size;
    }

    /** The sum of {@code (m[i] - mean)^2} over all elements. */
    static double centredSquares(Tensor m, double mean) {
        double s = 0;
        int size = m.size();
        for (int i = 0; i < size; i++) {
            double v = m.get(i) - mean;
            s += v * v;
        }
        return s;
    }
}
