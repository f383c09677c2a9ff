package io.gradlab.plugins.recurrent;

import io.gradlab.api.tensor.RandomSource;

/**
 * Small dense-matrix routines on row-major {@code double[]} for initialisation and diagnostics:
 * random orthogonal matrices, the spectral radius and the largest singular value. They run once per
 * build or per epoch, on {@code [hidden, hidden]} matrices, so plain loops are fast enough.
 */
public final class Matrices {
    /** Squarings in {@link #spectralRadius}: the estimate compares {@code A^2048} and {@code A^4096}. */
    private static final int SQUARINGS = 12;

    private Matrices() {}

    /**
     * A random orthogonal {@code n x n} matrix, distributed uniformly (Haar): the Q of a QR
     * decomposition of a Gaussian matrix (modified Gram-Schmidt, applied twice for accuracy) with the
     * column signs fixed by the diagonal of R.
     */
    public static double[] orthogonal(int n, RandomSource random) {
        double[] a = new double[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextGaussian();
        }
        // columns of a are orthonormalised in place; column j is a[i * n + j]
        for (int j = 0; j < n; j++) {
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < j; k++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += a[i * n + k] * a[i * n + j];
                    }
                    for (int i = 0; i < n; i++) {
                        a[i * n + j] -= dot * a[i * n + k];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += a[i * n + j] * a[i * n + j];
            }
            norm = Math.sqrt(norm);
            if (norm < 1e-9) { // a degenerate draw (probability zero): draw this column again
                for (int i = 0; i < n; i++) {
                    a[i * n + j] = random.nextGaussian();
                }
                j--;
                continue;
            }
            for (int i = 0; i < n; i++) {
                a[i * n + j] /= norm;
            }
        }
        return a;
    }

    /** {@code c = a b} for {@code a [n, k]}, {@code b [k, m]}. */
    static double[] multiply(double[] a, double[] b, int n, int k, int m) {
        double[] c = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < k; p++) {
                double v = a[i * k + p];
                if (v == 0) {
                    continue;
                }
                int bRow = p * m;
                int cRow = i * m;
                for (int j = 0; j < m; j++) {
                    c[cRow + j] += v * b[bRow + j];
                }
            }
        }
        return c;
    }

    private static double frobenius(double[] a) {
        double scale = 0;
        for (double v : a) {
            scale = Math.max(scale, Math.abs(v));
        }
        if (scale == 0 || !Double.isFinite(scale)) {
            return scale;
        }
        double s = 0;
        for (double v : a) {
            double x = v / scale;
            s += x * x;
        }
        return scale * Math.sqrt(s);
    }

    /**
     * The spectral radius (the largest |eigenvalue|) of the {@code n x n} matrix {@code a}, for any
     * matrix, symmetric or not. Power iteration on a vector fails for a real matrix whose dominant
     * eigenvalues are a complex pair (the iterate rotates instead of converging), so this uses
     * Gelfand's formula {@code rho = lim ||A^m||^(1/m)} instead: twelve normalised squarings give
     * {@code A^2048} and {@code A^4096}, and the estimate is {@code (||A^4096|| / ||A^2048||)^(1/2048)},
     * which cancels the constant in {@code ||A^m|| ~ C rho^m} (exact for multiples of orthogonal
     * matrices; within 0.1 % for the ill-conditioned test matrices). Returns NaN when the matrix holds
     * a non-finite value, 0 for a nilpotent one.
     */
    public static double spectralRadius(double[] a, int n) {
        if (a.length != n * n) {
            throw new IllegalArgumentException("matrix of " + a.length + " values is not " + n + "x" + n);
        }
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return Double.NaN;
            }
        }
        double norm = frobenius(a);
        if (norm == 0) {
            return 0;
        }
        double[] m = a.clone();
        for (int i = 0; i < m.length; i++) {
            m[i] /= norm;
        }
        double logNorm = Math.log(norm); // log ||A^(2^k)||_F; m = A^(2^k) / ||A^(2^k)||_F
        double previous = 0;
        double power = 1;
        for (int k = 0; k < SQUARINGS; k++) {
            m = multiply(m, m, n, n, n);
            double f = frobenius(m);
            if (f == 0) {
                return 0; // nilpotent
            }
            for (int i = 0; i < m.length; i++) {
                m[i] /= f;
            }
            previous = logNorm;
            logNorm = 2 * logNorm + Math.log(f);
            power *= 2;
        }
        return Math.exp((logNorm - previous) / (power / 2));
    }

    /**
     * The largest singular value (the spectral norm) of the {@code rows x cols} matrix {@code a}:
     * the square root of the spectral radius of {@code a^T a}, which is symmetric positive
     * semi-definite, so the repeated squaring of {@link #spectralRadius} converges to it.
     */
    public static double maxSingularValue(double[] a, int rows, int cols) {
        if (a.length != rows * cols) {
            throw new IllegalArgumentException("matrix of " + a.length + " values is not " + rows + "x" + cols);
        }
        double[] gram = new double[cols * cols];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < cols; i++) {
                double v = a[r * cols + i];
                if (v == 0) {
                    continue;
                }
                for (int j = 0; j < cols; j++) {
                    gram[i * cols + j] += v * a[r * cols + j];
                }
            }
        }
        return Math.sqrt(spectralRadius(gram, cols));
    }
}
