package io.gradlab.api.tensor;

import java.util.function.IntConsumer;

/**
 * The numeric kernels every component computes with, the engine's own layers and every plugin
 * alike: matrix products, elementwise programs, reductions and a parallel-for. The engine implements
 * them with OpenBLAS and the Vector API, split over its kernel threads; {@code ReferenceOps} in the
 * plugin test kit is the plain-Java definition they are tested against.
 *
 * <p>Shapes: a tensor is read as the row-major matrix {@code [rows(), cols()]}; slices ({@link
 * Tensor#slice}) are accepted everywhere. Every tensor of one call has the same {@link DType}.
 * Results are deterministic: the same inputs and thread count give the same bits. No method
 * allocates once it has seen a program and a shape. Calls made from inside a {@link #parallelFor}
 * part run on that part's thread.
 *
 * <p>Broadcasting (in {@link #map} and the reductions): the call runs over a space {@code [R, C]} (the
 * shape of the program's first target, or of the first argument of a reduction). An argument of
 * {@code R * C} elements is read element by element; one of shape {@code [C]} (or {@code [1, C]}) is a
 * row, the same for every row; one of shape {@code [R, 1]} is a column, the same for every column;
 * one of one element is a scalar. Targets are always read element by element.
 */
public interface Ops {
    /**
     * {@code C = alpha * op(A) * op(B) + beta * C}, where {@code op(X)} is {@code X} or its transpose.
     * With {@code beta == 0} the old contents of {@code C} are ignored (NaN included).
     */
    void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c);

    /**
     * {@code y = x w^T + bias} (a fully connected layer with {@code w} of shape {@code [out, in]});
     * without a bias ({@code null}), {@code y = x w^T}.
     */
    void linear(Tensor x, Tensor w, Tensor bias, Tensor y);

    /**
     * Runs {@code program} over the elements of its first target, with {@code args[i]} as argument
     * {@code i} (broadcast as the class comment says) and {@code scalars[j]} as scalar {@code j}
     * ({@code null} when it uses none). Pass a reused array to keep the call allocation-free.
     */
    void map(Elementwise program, double[] scalars, Tensor... args);

    /**
     * Runs {@code program} over every tensor of the groups at once (one pass, split over the threads):
     * for each index {@code t}, argument {@code i} is tensor {@code t} of {@code groups[i]}. The groups
     * must have the same layout; nothing is broadcast.
     */
    void mapEach(Elementwise program, double[] scalars, TensorGroup... groups);

    /**
     * {@code out[c] = beta * out[c] + sum over rows r of e[r, c]}: column sums of an expression over
     * the space of {@code args[0]} ({@code out} has {@code C} elements; with {@code beta == 0} its old
     * contents are ignored).
     */
    void columnSums(Expr e, double beta, Tensor out, double[] scalars, Tensor... args);

    /** {@code out[r] = beta * out[r] + sum over columns c of e[r, c]} ({@code out} has {@code R} elements). */
    void rowSums(Expr e, double beta, Tensor out, double[] scalars, Tensor... args);

    /**
     * The column sums of several expressions over the same arguments: {@code out[k][c] = beta * out[k][c] + sum over
     * rows r of e[k][r, c]}, each to the bit what {@link #columnSums(Expr, double, Tensor, double[], Tensor...)}
     * gives for {@code e[k]} alone (a normalizer's {@code Σ dy} and {@code Σ dy x̂}, a scale's and a shift's
     * gradient). The outputs must be distinct and none of them an argument. A fast implementation reads the
     * arguments once for all of them; this default makes one pass per expression.
     */
    default void columnSums(Expr[] e, double beta, Tensor[] out, double[] scalars, Tensor... args) {
        if (e.length != out.length) {
            throw new IllegalArgumentException(e.length + " expressions need as many outputs, got " + out.length);
        }
        for (int k = 0; k < e.length; k++) {
            columnSums(e[k], beta, out[k], scalars, args);
        }
    }

    /**
     * The row sums of several expressions over the same arguments: {@code out[k][r] = beta * out[k][r] + sum over
     * columns c of e[k][r, c]}, each to the bit what {@link #rowSums(Expr, double, Tensor, double[], Tensor...)}
     * gives for {@code e[k]} alone. A fast implementation reads the arguments once for all of them (a batch norm's
     * backward pass needs {@code Σ dy} and {@code Σ dy (x - mean)}); this default makes one pass per expression.
     */
    default void rowSums(Expr[] e, double beta, Tensor[] out, double[] scalars, Tensor... args) {
        if (e.length != out.length) {
            throw new IllegalArgumentException(e.length + " expressions need as many outputs, got " + out.length);
        }
        for (int k = 0; k < e.length; k++) {
            rowSums(e[k], beta, out[k], scalars, args);
        }
    }

    /** The sum of {@code e} over the space of {@code args[0]}, accumulated in double. */
    double sum(Expr e, double[] scalars, Tensor... args);

    /** {@code out[t]} = the sum of {@code e} over tensor {@code t} of the groups, accumulated in double. */
    void sumEach(Expr e, double[] out, double[] scalars, TensorGroup... groups);

    /**
     * Runs {@code part.accept(i)} for every {@code i} in {@code [0, count)} on the kernel threads (each
     * index once, on one thread, in no particular order) and returns when all are done: independent
     * work such as a diagnostic's per-layer counts or two products that do not depend on each other.
     * A part may call these kernels (they run on its thread); it must write only what no other part
     * touches. Pass a reused object, not a new lambda per step.
     */
    void parallelFor(int count, IntConsumer part);

    /** The number of kernel threads. */
    int threads();

    /** A short name of the backend, e.g. {@code native-openblas} or {@code java-vector}. */
    String backend();

    // ---- conveniences, each one of the kernels above ----

    /** {@code m[r, c] += v[c]} for every row {@code r}. */
    default void addRowVector(Tensor m, Tensor v) {
        map(Programs.ADD_TO_FIRST, null, m, v);
    }

    /** {@code out[c] = beta * out[c] + sum_r m[r, c]} (column sums: the bias gradient). */
    default void sumRows(Tensor m, double beta, Tensor out) {
        columnSums(Programs.FIRST, beta, out, null, m);
    }

    /** {@code y += alpha * x}. */
    default void axpy(double alpha, Tensor x, Tensor y) {
        map(Programs.AXPY, new double[] {alpha}, x, y);
    }

    /** {@code x *= alpha}. */
    default void scale(double alpha, Tensor x) {
        map(Programs.SCALE, new double[] {alpha}, x);
    }

    /** {@code out = a * b}, elementwise; {@code out} may alias either input. */
    default void mul(Tensor a, Tensor b, Tensor out) {
        map(Programs.MUL, null, a, b, out);
    }

    /** The sum of {@code a[i] * b[i]}, accumulated in double. */
    default double dot(Tensor a, Tensor b) {
        return sum(Programs.PRODUCT, null, a, b);
    }

    /**
     * The sum of squares, accumulated in double; also where the squares of a float32 tensor's elements
     * underflow (below about 1e-19 a square is subnormal, below 1e-23 it is 0): a sum below
     * {@link Programs#TINY_SUM} is computed again on the elements scaled by 2^64 (exact), so that the
     * vanishing gradients this platform measures do not read as 0.
     */
    default double sumOfSquares(Tensor x) {
        double s = sum(Programs.SQUARE, null, x);
        return s < Programs.TINY_SUM ? sum(Programs.SCALED_SQUARE, null, x) * Programs.UNSCALE : s;
    }

    /**
     * {@code out[t]} = the sum of squares of tensor {@code t} of the groups, accumulated in double, with
     * {@link #sumOfSquares}'s care for tiny elements (a second pass over the groups only when some sum is
     * tiny).
     */
    default void sumEachOfSquares(double[] out, TensorGroup... groups) {
        sumEach(Programs.SQUARE, out, null, groups);
        if (Programs.anyTiny(out, groups[0].size())) {
            Programs.rescueTiny(out, this, new double[groups[0].size()], groups);
        }
    }

    /** The Euclidean norm. */
    default double norm2(Tensor x) {
        return Math.sqrt(sumOfSquares(x));
    }

    /** The programs of the conveniences. */
    final class Programs {
        static final Elementwise ADD_TO_FIRST = Elementwise.assign(0, Expr.arg(0).add(Expr.arg(1)));
        static final Expr FIRST = Expr.arg(0);
        static final Elementwise AXPY = Elementwise.assign(1, Expr.arg(1).add(Expr.scalar(0).mul(Expr.arg(0))));
        static final Elementwise SCALE = Elementwise.assign(0, Expr.arg(0).mul(Expr.scalar(0)));
        static final Elementwise MUL = Elementwise.assign(2, Expr.arg(0).mul(Expr.arg(1)));
        static final Expr PRODUCT = Expr.arg(0).mul(Expr.arg(1));
        static final Expr SQUARE = Expr.arg(0).square();
        /** Below this a float32 sum of squares may have lost elements (each square under 1.2e-38) that matter. */
        public static final double TINY_SUM = 1e-20;
        /** {@code (x * 2^64)^2}: exact scaling, no overflow for the elements of a tiny sum. */
        public static final Expr SCALED_SQUARE = Expr.arg(0).mul(0x1p64).square();
        public static final double UNSCALE = 0x1p-128;

        /** Whether one of the first {@code n} sums of squares is below {@link #TINY_SUM}. */
        public static boolean anyTiny(double[] sums, int n) {
            for (int i = 0; i < n; i++) {
                if (sums[i] < TINY_SUM) {
                    return true;
                }
            }
            return false;
        }

        /** Replaces each tiny sum of squares in {@code out} by the scaled pass's ({@code scratch}: as long as the groups). */
        public static void rescueTiny(double[] out, Ops ops, double[] scratch, TensorGroup... groups) {
            ops.sumEach(SCALED_SQUARE, scratch, null, groups);
            for (int i = 0; i < groups[0].size(); i++) {
                if (out[i] < TINY_SUM) {
                    out[i] = scratch[i] * UNSCALE;
                }
            }
        }

        private Programs() {}
    }
}
