package io.gradlab.api.tensor;

/**
 * The numeric kernels a component may use, implemented by the engine (BLAS-backed). All matrix
 * arguments are row-major views {@code [rows(), cols()]} of their tensors; every tensor in one
 * call has the same {@link DType}. No method allocates.
 */
public interface Ops {
    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, where {@code op(X)} is {@code X} or its transpose.
     * With {@code beta == 0} the old contents of {@code C} are ignored (NaN included).
     */
    void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c);

    /** {@code m[r, c] += v[c]} for every row {@code r}. */
    void addRowVector(Tensor m, Tensor v);

    /** {@code out[c] = beta * out[c] + sum_r m[r, c]} (column sums: the bias gradient). */
    void sumRows(Tensor m, double beta, Tensor out);

    /** {@code y += alpha * x}. */
    void axpy(double alpha, Tensor x, Tensor y);

    /** {@code x *= alpha}. */
    void scale(double alpha, Tensor x);

    /** {@code out = a * b}, elementwise; {@code out} may alias either input. */
    void mul(Tensor a, Tensor b, Tensor out);

    /** The sum of {@code a[i] * b[i]}, accumulated in double. */
    double dot(Tensor a, Tensor b);

    /** The sum of squares, accumulated in double. */
    double sumOfSquares(Tensor x);

    /** The Euclidean norm. */
    default double norm2(Tensor x) {
        return Math.sqrt(sumOfSquares(x));
    }

    /** A short name of the backend, e.g. {@code native-openblas} or {@code java-vector}. */
    String backend();
}
