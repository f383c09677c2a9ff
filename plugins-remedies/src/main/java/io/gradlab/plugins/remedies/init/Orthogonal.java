package io.gradlab.plugins.remedies.init;

import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.Tensor;

/**
 * A (semi-)orthogonal weight, as PyTorch's {@code orthogonal_}: the weight viewed as
 * {@code [rows, cols]} (rows = first dimension) is filled from a Gaussian matrix, transposed when it
 * is wide; its QR decomposition gives {@code Q}, sign-corrected so that {@code R} has a positive
 * diagonal (which makes {@code Q} unique); transposed back and scaled by {@code gain}. Rows are
 * orthonormal when {@code rows <= cols}, columns otherwise. The QR runs in double with modified
 * Gram-Schmidt and one re-orthogonalisation pass; Gram-Schmidt yields a positive diagonal of
 * {@code R} by construction, i.e. PyTorch's sign correction.
 */
final class Orthogonal implements Initializer {
    private final double gain;

    Orthogonal(double gain) {
        this.gain = gain;
    }

    @Override
    public void initialize(Tensor weight, Fan fan, RandomSource random) {
        int rows = weight.rows();
        int cols = weight.size() / Math.max(rows, 1);
        if (weight.size() == 0) {
            return;
        }
        double[] flat = new double[rows * cols];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = random.nextGaussian();
        }
        boolean wide = rows < cols;
        int m = wide ? cols : rows; // tall matrix a[m][n], m >= n
        int n = wide ? rows : cols;
        double[][] columns = new double[n][m];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double v = flat[r * cols + c];
                if (wide) {
                    columns[r][c] = v; // transposed: column r of the tall matrix is row r of the weight
                } else {
                    columns[c][r] = v;
                }
            }
        }
        orthonormalize(columns, random);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double q = wide ? columns[r][c] : columns[c][r];
                weight.set(r * cols + c, gain * q);
            }
        }
    }

    /** Modified Gram-Schmidt with a second pass ("twice is enough"); columns are vectors of length m >= count. */
    static void orthonormalize(double[][] columns, RandomSource random) {
        for (int j = 0; j < columns.length; j++) {
            double[] v = columns[j];
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double[] q = columns[k];
                    double dot = 0;
                    for (int i = 0; i < v.length; i++) {
                        dot += q[i] * v[i];
                    }
                    for (int i = 0; i < v.length; i++) {
                        v[i] -= dot * q[i];
                    }
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            if (norm < 1e-12) {
                // a (practically impossible) dependent Gaussian column: draw it again
                for (int i = 0; i < v.length; i++) {
                    v[i] = random.nextGaussian();
                }
                j--;
                continue;
            }
            for (int i = 0; i < v.length; i++) {
                v[i] /= norm;
            }
        }
    }
}
