package io.gradlab.plugins.recurrent;

import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.Tensor;

/**
 * Small dense-matrix routines on row-major {@code double[]} for initialisation and diagnostics:
 * random orthogonal matrices, the spectral radius and the largest singular value. They run once per
 * build or per epoch, on {@code [hidden, hidden]} matrices: the cubic work (the products) goes to
 * {@link Ops#gemm} in float64, the rest are plain loops.
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
     * a non-finite value, 0 for a nilpotent one. The squarings are float64 products on {@code ops}.
     */
    public static double spectralRadius(Ops ops, double[] a, int n) {
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
        double[] next = new double[n * n];
        Tensor mt = Tensor.wrap(m, n, n);
        Tensor nt = Tensor.wrap(next, n, n);
        double logNorm = Math.log(norm); // log ||A^(2^k)||_F; m = A^(2^k) / ||A^(2^k)||_F
        double previous = 0;
        double power = 1;
        for (int k = 0; k < SQUARINGS; k++) {
            ops.gemm(false, false, 1.0, mt, mt, 0.0, nt);
            double f = frobenius(next);
            if (f == 0) {
                return 0; // nilpotent
            }
            for (int i = 0; i < next.length; i++) {
                next[i] /= f;
            }
            Tensor swap = mt;
            mt = nt;
            nt = swap;
            next = nt.doubles();
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
    public static double maxSingularValue(Ops ops, double[] a, int rows, int cols) {
        if (a.length != rows * cols) {
            throw new IllegalArgumentException("matrix of " + a.length + " values is not " + rows + "x" + cols);
        }
        double[] gram = new double[cols * cols];
        ops.gemm(true, false, 1.0, Tensor.wrap(a, rows, cols), Tensor.wrap(a, rows, cols), 0.0, Tensor.wrap(gram, cols, cols));
        return Math.sqrt(spectralRadius(ops, gram, cols));
    }
}
