package io.gradlab.plugins.remedies.support;

import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;

/** Plain-loop kernels for tests. */
public final class TestOps implements Ops {
    @Override
    public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int n = transB ? b.rows() : b.cols();
        if ((transB ? b.cols() : b.rows()) != k || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm shapes");
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a.get(p * a.cols() + i) : a.get(i * a.cols() + p);
                    double bv = transB ? b.get(j * b.cols() + p) : b.get(p * b.cols() + j);
                    s += av * bv;
                }
                c.set(i * n + j, alpha * s + (beta == 0 ? 0 : beta * c.get(i * n + j)));
            }
        }
    }

    @Override
    public void addRowVector(Tensor m, Tensor v) {
        for (int r = 0; r < m.rows(); r++) {
            for (int c = 0; c < m.cols(); c++) {
                m.set(r, c, m.get(r, c) + v.get(c));
            }
        }
    }

    @Override
    public void sumRows(Tensor m, double beta, Tensor out) {
        for (int c = 0; c < m.cols(); c++) {
            double s = 0;
            for (int r = 0; r < m.rows(); r++) {
                s += m.get(r, c);
            }
            out.set(c, beta * out.get(c) + s);
        }
    }

    @Override
    public void axpy(double alpha, Tensor x, Tensor y) {
        if (x.size() != y.size()) {
            throw new IllegalArgumentException("axpy sizes");
        }
        for (int i = 0; i < x.size(); i++) {
            y.set(i, y.get(i) + alpha * x.get(i));
        }
    }

    @Override
    public void scale(double alpha, Tensor x) {
        for (int i = 0; i < x.size(); i++) {
            x.set(i, alpha * x.get(i));
        }
    }

    @Override
    public void mul(Tensor a, Tensor b, Tensor out) {
        for (int i = 0; i < a.size(); i++) {
            out.set(i, a.get(i) * b.get(i));
        }
    }

    @Override
    public double dot(Tensor a, Tensor b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += a.get(i) * b.get(i);
        }
        return s;
    }

    @Override
    public double sumOfSquares(Tensor x) {
        return dot(x, x);
    }

    @Override
    public String backend() {
        return "test";
    }
}
