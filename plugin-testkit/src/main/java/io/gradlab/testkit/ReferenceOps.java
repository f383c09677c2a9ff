package io.gradlab.testkit;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import java.util.Arrays;

/**
 * The oracle implementation of {@link Ops}: plain loops, accumulated in {@code double}, for both
 * {@link DType#F32} and {@link DType#F64}. Slow and obviously correct; it is also strict: every
 * call checks shapes and that all tensors share one element type (the contract the engine's fast
 * kernels rely on without checking), so a component that misuses the kernels fails here first.
 */
public final class ReferenceOps implements Ops {

    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        sameType("gemm", a, b, c);
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int kb = transB ? b.cols() : b.rows();
        int n = transB ? b.rows() : b.cols();
        if (k != kb || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm: op(A) is [" + m + ", " + k + "], op(B) is [" + kb + ", " + n
                    + "], C is " + Arrays.toString(c.shape()) + " (transA=" + transA + ", transB=" + transB + ")");
        }
        int aCols = a.cols();
        int bCols = b.cols();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0.0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a.get(p * aCols + i) : a.get(i * aCols + p);
                    double bv = transB ? b.get(j * bCols + p) : b.get(p * bCols + j);
                    sum += av * bv;
                }
                int idx = i * n + j;
                double old = beta == 0.0 ? 0.0 : beta * c.get(idx);
                c.set(idx, alpha * sum + old);
            }
        }
    }

    @Override
    public void addRowVector(Tensor m, Tensor v) {
        sameType("addRowVector", m, v);
        int cols = m.cols();
        if (v.size() != cols) {
            throw new IllegalArgumentException("addRowVector: vector of " + v.size() + " elements for matrix "
                    + Arrays.toString(m.shape()));
        }
        for (int r = 0; r < m.rows(); r++) {
            for (int c = 0; c < cols; c++) {
                int idx = r * cols + c;
                m.set(idx, m.get(idx) + v.get(c));
            }
        }
    }

    @Override
    public void sumRows(Tensor m, double beta, Tensor out) {
        sameType("sumRows", m, out);
        int cols = m.cols();
        if (out.size() != cols) {
            throw new IllegalArgumentException("sumRows: output of " + out.size() + " elements for matrix "
                    + Arrays.toString(m.shape()));
        }
        for (int c = 0; c < cols; c++) {
            double sum = 0.0;
            for (int r = 0; r < m.rows(); r++) {
                sum += m.get(r * cols + c);
            }
            double old = beta == 0.0 ? 0.0 : beta * out.get(c);
            out.set(c, old + sum);
        }
    }

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        sameType("axpy", x, y);
        sameSize("axpy", x, y);
        for (int i = 0; i < x.size(); i++) {
            y.set(i, y.get(i) + alpha * x.get(i));
        }
    }

    @Override
    public void scale(double alpha, Tensor x) {
        requireNonNull(x, "x is null");
        for (int i = 0; i < x.size(); i++) {
            x.set(i, alpha * x.get(i));
        }
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        sameType("mul", a, b, out);
        sameSize("mul", a, b);
        sameSize("mul", a, out);
        for (int i = 0; i < a.size(); i++) {
            out.set(i, a.get(i) * b.get(i));
        }
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        sameType("dot", a, b);
        sameSize("dot", a, b);
        double sum = 0.0;
        for (int i = 0; i < a.size(); i++) {
            sum += a.get(i) * b.get(i);
        }
        return sum;
    }

    @Override
    public double sumOfSquares(Tensor x) {
        requireNonNull(x, "x is null");
        double sum = 0.0;
        for (int i = 0; i < x.size(); i++) {
            double v = x.get(i);
            sum += v * v;
        }
        return sum;
    }

    @Override
    public String backend() {
        return "reference";
    }

    private static void sameType(String op, Tensor first, Tensor... rest) {
        requireNonNull(first, "tensor is null");
        for (Tensor t : rest) {
            requireNonNull(t, "tensor is null");
            if (t.dtype() != first.dtype()) {
                throw new IllegalArgumentException(op + ": mixed element types " + first.dtype() + " and " + t.dtype()
                        + "; all tensors of one call must have the same DType");
            }
        }
    }

    private static void sameSize(String op, Tensor a, Tensor b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException(op + ": sizes differ, " + Arrays.toString(a.shape()) + " and "
                    + Arrays.toString(b.shape()));
        }
    }
}
