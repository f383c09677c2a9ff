package io.gradlab.testkit;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The oracle implementation of {@link Ops}: plain loops, every expression evaluated in
 * {@code double} by its definition ({@link Expr#eval}), accumulated in {@code double}, for both
 * {@link DType#F32} and {@link DType#F64}. Slow and obviously correct; it is also strict: every
 * call checks shapes and that all tensors share one element type (the contract the engine's fast
 * kernels rely on without checking), so a component that misuses the kernels fails here first.
 *
 * <p>{@link #float32Steps()} evaluates float32 expressions as compiled kernels do, every intermediate
 * rounded to float, so that a component's float32 results show the rounding, cancellation and
 * overflow an engine's kernels give them (an expression that overflows in float32 but not in double).
 */
public final class ReferenceOps implements Ops {
    private final boolean float32Steps;

    /** The oracle: every expression in double. */
    public ReferenceOps() {
        this(false);
    }

    private ReferenceOps(boolean float32Steps) {
        this.float32Steps = float32Steps;
    }

    /**
     * The reference kernels with float32 expressions evaluated step by step in float: arguments,
     * constants, scalars and the result of every operation rounded to float ({@code exp}, {@code log},
     * {@code tanh}, {@code sigmoid}, {@code erf} and friends computed in double from a float operand,
     * then rounded). Float64 and the accumulation of sums are as in {@link #ReferenceOps()}.
     */
    public static ReferenceOps float32Steps() {
        return new ReferenceOps(true);
    }

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
    public void linear(Tensor x, Tensor w, Tensor bias, Tensor y) {
        gemm(false, true, 1.0, x, w, 0.0, y);
        if (bias != null) {
            addRowVector(y, bias);
        }
    }

    @Override
    public void map(Elementwise program, double[] scalars, Tensor... args) {
        requireNonNull(program, "program is null");
        int arity = program.arity();
        need("map", arity, args.length, program.scalarCount(), scalars);
        Tensor space = args[program.firstTarget()];
        int rows = rows(space);
        int cols = cols(space);
        sameType("map", space, Arrays.copyOf(args, arity));
        for (Elementwise.Assignment a : program.assignments()) {
            if (args[a.target()].size() != (long) rows * cols) {
                throw new IllegalArgumentException("map: target " + a.target() + " " + Arrays.toString(args[a.target()].shape())
                        + " must have the shape of the space [" + rows + ", " + cols + "]");
            }
        }
        double[] values = new double[arity];
        boolean steps = steps(space);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                for (int i = 0; i < arity; i++) {
                    values[i] = element(args[i], rows, cols, r, c, i);
                }
                if (steps) {
                    for (Elementwise.Assignment a : program.assignments()) {
                        values[a.target()] = evalFloat(a.expr(), values, scalars);
                    }
                } else {
                    program.eval(values, scalars);
                }
                for (Elementwise.Assignment a : program.assignments()) {
                    args[a.target()].set(r * cols + c, values[a.target()]);
                }
            }
        }
    }

    @Override
    public void mapEach(Elementwise program, double[] scalars, TensorGroup... groups) {
        int arity = program.arity();
        need("mapEach", arity, groups.length, program.scalarCount(), scalars);
        for (int t = 0; t < groups[0].size(); t++) {
            Tensor[] args = new Tensor[arity];
            for (int i = 0; i < arity; i++) {
                if (!groups[i].sameLayout(groups[0])) {
                    throw new IllegalArgumentException("mapEach: group " + i + " " + groups[i] + " does not match " + groups[0]);
                }
                args[i] = groups[i].get(t).reshape(groups[i].get(t).size());
            }
            map(program, scalars, args);
        }
    }

    @Override
    public void columnSums(Expr e, double beta, Tensor out, double[] scalars, Tensor... args) {
        need("columnSums", e.arity(), args.length, e.scalarCount(), scalars);
        int rows = rows(args[0]);
        int cols = cols(args[0]);
        if (out.size() != cols) {
            throw new IllegalArgumentException("columnSums: output of " + out.size() + " elements for " + cols + " columns");
        }
        for (int c = 0; c < cols; c++) {
            double sum = 0.0;
            for (int r = 0; r < rows; r++) {
                sum += value(e, args, scalars, rows, cols, r, c);
            }
            out.set(c, (beta == 0.0 ? 0.0 : beta * out.get(c)) + sum);
        }
    }

    @Override
    public void rowSums(Expr e, double beta, Tensor out, double[] scalars, Tensor... args) {
        need("rowSums", e.arity(), args.length, e.scalarCount(), scalars);
        int rows = rows(args[0]);
        int cols = cols(args[0]);
        if (out.size() != rows) {
            throw new IllegalArgumentException("rowSums: output of " + out.size() + " elements for " + rows + " rows");
        }
        for (int r = 0; r < rows; r++) {
            double sum = 0.0;
            for (int c = 0; c < cols; c++) {
                sum += value(e, args, scalars, rows, cols, r, c);
            }
            out.set(r, (beta == 0.0 ? 0.0 : beta * out.get(r)) + sum);
        }
    }

    @Override
    public double sum(Expr e, double[] scalars, Tensor... args) {
        need("sum", e.arity(), args.length, e.scalarCount(), scalars);
        int rows = rows(args[0]);
        int cols = cols(args[0]);
        double sum = 0.0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                sum += value(e, args, scalars, rows, cols, r, c);
            }
        }
        return sum;
    }

    @Override
    public void sumEach(Expr e, double[] out, double[] scalars, TensorGroup... groups) {
        need("sumEach", e.arity(), groups.length, e.scalarCount(), scalars);
        for (int t = 0; t < groups[0].size(); t++) {
            Tensor[] args = new Tensor[Math.max(1, e.arity())];
            for (int i = 0; i < args.length; i++) {
                args[i] = groups[i].get(t).reshape(groups[i].get(t).size());
            }
            out[t] = sum(e, scalars, args);
        }
    }

    /** The parts in order, on the calling thread. */
    @Override
    public void parallelFor(int count, IntConsumer part) {
        for (int i = 0; i < count; i++) {
            part.accept(i);
        }
    }

    @Override
    public int threads() {
        return 1;
    }

    @Override
    public String backend() {
        return float32Steps ? "reference-float32-steps" : "reference";
    }

    private static int rows(Tensor t) {
        return t.rank() == 1 ? 1 : t.rows();
    }

    private static int cols(Tensor t) {
        return t.rank() == 1 ? t.size() : t.cols();
    }

    private double value(Expr e, Tensor[] args, double[] scalars, int rows, int cols, int r, int c) {
        double[] values = new double[e.arity()];
        for (int i = 0; i < values.length; i++) {
            values[i] = element(args[i], rows, cols, r, c, i);
        }
        return steps(args[0]) ? evalFloat(e, values, scalars) : e.eval(values, scalars);
    }

    private boolean steps(Tensor space) {
        return float32Steps && space.dtype() == DType.F32;
    }

    /** {@code e} evaluated with every operand and result rounded to float (see {@link #float32Steps()}). */
    static float evalFloat(Expr e, double[] args, double[] scalars) {
        return switch (e.op()) {
            case ARG -> (float) args[e.index()];
            case SCALAR -> (float) scalars[e.index()];
            case CONSTANT -> (float) e.value();
            case WHERE -> evalFloat(e.operand(0), args, scalars) != 0
                    ? evalFloat(e.operand(1), args, scalars) : evalFloat(e.operand(2), args, scalars);
            default -> {
                float a = evalFloat(e.operand(0), args, scalars);
                if (e.op().arity() == 1) {
                    yield unary(e.op(), a);
                }
                float b = evalFloat(e.operand(1), args, scalars);
                yield switch (e.op()) {
                    case ADD -> a + b;
                    case SUB -> a - b;
                    case MUL -> a * b;
                    case DIV -> a / b;
                    case MAX -> Math.max(a, b);
                    case MIN -> Math.min(a, b);
                    case GT -> a > b ? 1f : 0f;
                    case GE -> a >= b ? 1f : 0f;
                    case LT -> a < b ? 1f : 0f;
                    case LE -> a <= b ? 1f : 0f;
                    default -> throw new IllegalArgumentException("not a binary operation: " + e.op());
                };
            }
        };
    }

    private static float unary(Expr.Op op, float a) {
        return switch (op) {
            case NEG -> -a;
            case ABS -> Math.abs(a);
            case SQUARE -> a * a;
            case SQRT -> (float) Math.sqrt(a);
            case EXP -> (float) Math.exp(a);
            case EXPM1 -> (float) Math.expm1(a);
            case LOG -> (float) Math.log(a);
            case LOG1P -> (float) Math.log1p(a);
            case TANH -> (float) Math.tanh(a);
            case SIGMOID -> (float) Expr.sigmoid(a);
            case ERF -> (float) Expr.erf(a);
            default -> throw new IllegalArgumentException("not a unary operation: " + op);
        };
    }

    /** Element {@code (r, c)} of argument {@code i} under the broadcasting rules of {@link Ops}. */
    private static double element(Tensor t, int rows, int cols, int r, int c, int i) {
        long space = (long) rows * cols;
        if (t.size() == space) {
            return t.get(r * cols + c);
        }
        if (t.size() == 1) {
            return t.get(0);
        }
        if (t.size() == cols && (t.rank() == 1 || t.rows() == 1)) {
            return t.get(c);
        }
        if (t.size() == rows && t.rank() == 2 && t.cols() == 1) {
            return t.get(r);
        }
        throw new IllegalArgumentException("tensor " + i + " of shape " + Arrays.toString(t.shape()) + " does not broadcast to ["
                + rows + ", " + cols + "]");
    }

    private static void need(String op, int arity, int given, int scalarCount, double[] scalars) {
        if (given < arity) {
            throw new IllegalArgumentException(op + ": needs " + arity + " tensors, got " + given);
        }
        if ((scalars == null ? 0 : scalars.length) < scalarCount) {
            throw new IllegalArgumentException(op + ": needs " + scalarCount + " scalars, got " + (scalars == null ? 0 : scalars.length));
        }
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
