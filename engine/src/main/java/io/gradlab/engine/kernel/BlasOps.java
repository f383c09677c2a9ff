package io.gradlab.engine.kernel;

import static java.util.Objects.requireNonNull;

import dev.ludovic.netlib.blas.BLAS;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;

/**
 * {@link Ops} on a BLAS: native OpenBLAS through JNI when the machine has it
 * ({@code libopenblas0-pthread}), otherwise netlib's pure-Java BLAS. Row-major matrices are passed
 * to the column-major BLAS as their transposes: {@code C = A B} is computed as {@code C^T = B^T A^T}.
 */
public final class BlasOps implements Ops {
    private final BLAS blas;

    public BlasOps() {
        this(BLAS.getInstance());
    }

    public BlasOps(BLAS blas) {
        this.blas = requireNonNull(blas, "blas is null");
    }

    /** {@code native-openblas}, {@code java-vector} or {@code java}, from the BLAS implementation netlib chose. */
    @Override
    public String backend() {
        String name = blas.getClass().getSimpleName();
        if (name.startsWith("JNI")) {
            return "native-openblas";
        }
        if (name.contains("VectorBLAS")) {
            return "java-vector";
        }
        return "java";
    }

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm shapes do not match: op(A) " + m + "x" + k + ", op(B) " + kb + "x" + n
                    + ", C " + c.rows() + "x" + c.cols());
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (beta == 0) {
                c.fill(0);
            } else {
                scale(beta, c);
            }
            return;
        }
        String ta = transB ? "T" : "N";
        String tb = transA ? "T" : "N";
        if (c.dtype() == DType.F32) {
            blas.sgemm(ta, tb, n, m, k, (float) alpha, b.floats(), b.cols(), a.floats(), a.cols(), (float) beta, c.floats(), n);
        } else {
            blas.dgemm(ta, tb, n, m, k, alpha, b.doubles(), b.cols(), a.doubles(), a.cols(), beta, c.doubles(), n);
        }
    }

    @Override
    public void addRowVector(Tensor m, Tensor v) {
        int rows = m.rows();
        int cols = m.cols();
        if (v.size() != cols) {
            throw new IllegalArgumentException("row vector of " + v.size() + " does not match " + cols + " columns");
        }
        if (m.dtype() == DType.F32) {
            float[] x = m.floats();
            float[] b = v.floats();
            for (int r = 0; r < rows; r++) {
                int o = r * cols;
                for (int c = 0; c < cols; c++) {
                    x[o + c] += b[c];
                }
            }
        } else {
            double[] x = m.doubles();
            double[] b = v.doubles();
            for (int r = 0; r < rows; r++) {
                int o = r * cols;
                for (int c = 0; c < cols; c++) {
                    x[o + c] += b[c];
                }
            }
        }
    }

    @Override
    public void sumRows(Tensor m, double beta, Tensor out) {
        int rows = m.rows();
        int cols = m.cols();
        if (out.size() != cols) {
            throw new IllegalArgumentException("output of " + out.size() + " does not match " + cols + " columns");
        }
        if (m.dtype() == DType.F32) {
            float[] x = m.floats();
            float[] o = out.floats();
            float b = (float) beta;
            for (int c = 0; c < cols; c++) {
                o[c] = b == 0f ? 0f : o[c] * b;
            }
            for (int r = 0; r < rows; r++) {
                int off = r * cols;
                for (int c = 0; c < cols; c++) {
                    o[c] += x[off + c];
                }
            }
        } else {
            double[] x = m.doubles();
            double[] o = out.doubles();
            for (int c = 0; c < cols; c++) {
                o[c] = beta == 0 ? 0 : o[c] * beta;
            }
            for (int r = 0; r < rows; r++) {
                int off = r * cols;
                for (int c = 0; c < cols; c++) {
                    o[c] += x[off + c];
                }
            }
        }
    }

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        checkSize(x, y);
        if (y.dtype() == DType.F32) {
            float[] xs = x.floats();
            float[] ys = y.floats();
            float a = (float) alpha;
            for (int i = 0; i < ys.length; i++) {
                ys[i] += a * xs[i];
            }
        } else {
            double[] xs = x.doubles();
            double[] ys = y.doubles();
            for (int i = 0; i < ys.length; i++) {
                ys[i] += alpha * xs[i];
            }
        }
    }

    @Override
    public void scale(double alpha, Tensor x) {
        if (x.dtype() == DType.F32) {
            float[] xs = x.floats();
            float a = (float) alpha;
            for (int i = 0; i < xs.length; i++) {
                xs[i] *= a;
            }
        } else {
            double[] xs = x.doubles();
            for (int i = 0; i < xs.length; i++) {
                xs[i] *= alpha;
            }
        }
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        checkSize(a, b);
        checkSize(a, out);
        if (out.dtype() == DType.F32) {
            float[] x = a.floats();
            float[] y = b.floats();
            float[] o = out.floats();
            for (int i = 0; i < o.length; i++) {
                o[i] = x[i] * y[i];
            }
        } else {
            double[] x = a.doubles();
            double[] y = b.doubles();
            double[] o = out.doubles();
            for (int i = 0; i < o.length; i++) {
                o[i] = x[i] * y[i];
            }
        }
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        checkSize(a, b);
        double s = 0;
        if (a.dtype() == DType.F32) {
            float[] x = a.floats();
            float[] y = b.floats();
            for (int i = 0; i < x.length; i++) {
                s += (double) x[i] * y[i];
            }
        } else {
            double[] x = a.doubles();
            double[] y = b.doubles();
            for (int i = 0; i < x.length; i++) {
                s += x[i] * y[i];
            }
        }
        return s;
    }

    @Override
    public double sumOfSquares(Tensor x) {
        return dot(x, x);
    }

    private static void checkSize(Tensor a, Tensor b) {
        if (a.size() != b.size() || a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("tensors do not match: " + a.dtype() + java.util.Arrays.toString(a.shape())
                    + " vs " + b.dtype() + java.util.Arrays.toString(b.shape()));
        }
    }
}
