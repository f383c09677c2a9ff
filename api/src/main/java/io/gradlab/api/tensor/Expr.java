package io.gradlab.api.tensor;

import static java.util.Objects.requireNonNull;

/**
 * An elementwise expression over the tensors and scalars of an {@link Ops} call: what an activation,
 * its derivative, an optimizer's update or a normalizer's arithmetic computes for one element. The
 * engine compiles it once and evaluates it over blocks of elements with vector instructions, split
 * over its kernel threads (as numexpr does for NumPy); {@link #eval} is the plain double-precision
 * definition, which gradient checks and the reference kernels use.
 *
 * <p>Leaves are {@link #arg tensor arguments} (the element of argument {@code i} at the current
 * position, broadcast as {@link Ops#map} describes), {@link #scalar run-time scalars} (a learning
 * rate, a bias correction: passed with each call, so one compiled expression serves every step) and
 * {@link #constant constants}. Comparisons give 1 or 0 (0 when an operand is NaN) and are meant for
 * {@link #where}. Expressions are immutable values; build them once (in a constructor or a static
 * field), never per step.
 *
 * <pre>{@code
 * Expr x = Expr.arg(0);
 * Expr relu = x.max(0);                                   // forward
 * Expr reluGrad = Expr.where(x.gt(0), Expr.arg(2), 0);    // backward: gx = x > 0 ? gy : 0
 * }</pre>
 */
public final class Expr {
    /** The node kinds, for the engine that compiles an expression. */
    public enum Op {
        ARG, SCALAR, CONSTANT,
        ADD, SUB, MUL, DIV, MAX, MIN,
        NEG, ABS, SQUARE, SQRT, EXP, EXPM1, LOG, LOG1P, TANH, SIGMOID, ERF,
        GT, GE, LT, LE,
        WHERE;

        /** The number of operands of this kind of node (0 for leaves). */
        public int arity() {
            return switch (this) {
                case ARG, SCALAR, CONSTANT -> 0;
                case NEG, ABS, SQUARE, SQRT, EXP, EXPM1, LOG, LOG1P, TANH, SIGMOID, ERF -> 1;
                case WHERE -> 3;
                default -> 2;
            };
        }
    }

    private final Op op;
    private final Expr a;
    private final Expr b;
    private final Expr c;
    private final double value;
    private final int index;

    private Expr(Op op, Expr a, Expr b, Expr c, double value, int index) {
        this.op = op;
        this.a = a;
        this.b = b;
        this.c = c;
        this.value = value;
        this.index = index;
    }

    private static Expr node(Op op, Expr a, Expr b, Expr c) {
        return new Expr(op, requireNonNull(a, "operand is null"), b, c, 0, 0);
    }

    /** The element of tensor argument {@code index} at the current position. */
    public static Expr arg(int index) {
        if (index < 0 || index > 255) {
            throw new IllegalArgumentException("argument index must be in [0, 255], got " + index);
        }
        return new Expr(Op.ARG, null, null, null, 0, index);
    }

    /** Run-time scalar {@code index} of the call. */
    public static Expr scalar(int index) {
        if (index < 0 || index > 255) {
            throw new IllegalArgumentException("scalar index must be in [0, 255], got " + index);
        }
        return new Expr(Op.SCALAR, null, null, null, 0, index);
    }

    public static Expr constant(double value) {
        return new Expr(Op.CONSTANT, null, null, null, value, 0);
    }

    /** {@code condition != 0 ? ifTrue : ifFalse}. */
    public static Expr where(Expr condition, Expr ifTrue, Expr ifFalse) {
        return new Expr(Op.WHERE, requireNonNull(condition, "condition is null"), requireNonNull(ifTrue, "ifTrue is null"),
                requireNonNull(ifFalse, "ifFalse is null"), 0, 0);
    }

    public static Expr where(Expr condition, Expr ifTrue, double ifFalse) {
        return where(condition, ifTrue, constant(ifFalse));
    }

    public static Expr where(Expr condition, double ifTrue, Expr ifFalse) {
        return where(condition, constant(ifTrue), ifFalse);
    }

    public static Expr where(Expr condition, double ifTrue, double ifFalse) {
        return where(condition, constant(ifTrue), constant(ifFalse));
    }

    public Expr add(Expr o) {
        return node(Op.ADD, this, requireNonNull(o, "operand is null"), null);
    }

    public Expr add(double o) {
        return add(constant(o));
    }

    public Expr sub(Expr o) {
        return node(Op.SUB, this, requireNonNull(o, "operand is null"), null);
    }

    public Expr sub(double o) {
        return sub(constant(o));
    }

    /** {@code v - this}. */
    public Expr rsub(double v) {
        return constant(v).sub(this);
    }

    public Expr mul(Expr o) {
        return node(Op.MUL, this, requireNonNull(o, "operand is null"), null);
    }

    public Expr mul(double o) {
        return mul(constant(o));
    }

    public Expr div(Expr o) {
        return node(Op.DIV, this, requireNonNull(o, "operand is null"), null);
    }

    public Expr div(double o) {
        return div(constant(o));
    }

    /** {@code v / this}. */
    public Expr rdiv(double v) {
        return constant(v).div(this);
    }

    /** The larger of the two; NaN if either is NaN. */
    public Expr max(Expr o) {
        return node(Op.MAX, this, requireNonNull(o, "operand is null"), null);
    }

    public Expr max(double o) {
        return max(constant(o));
    }

    /** The smaller of the two; NaN if either is NaN. */
    public Expr min(Expr o) {
        return node(Op.MIN, this, requireNonNull(o, "operand is null"), null);
    }

    public Expr min(double o) {
        return min(constant(o));
    }

    public Expr neg() {
        return node(Op.NEG, this, null, null);
    }

    public Expr abs() {
        return node(Op.ABS, this, null, null);
    }

    public Expr square() {
        return node(Op.SQUARE, this, null, null);
    }

    public Expr sqrt() {
        return node(Op.SQRT, this, null, null);
    }

    public Expr exp() {
        return node(Op.EXP, this, null, null);
    }

    /** {@code exp(x) - 1}, accurate near 0. */
    public Expr expm1() {
        return node(Op.EXPM1, this, null, null);
    }

    public Expr log() {
        return node(Op.LOG, this, null, null);
    }

    /** {@code log(1 + x)}, accurate near 0. */
    public Expr log1p() {
        return node(Op.LOG1P, this, null, null);
    }

    public Expr tanh() {
        return node(Op.TANH, this, null, null);
    }

    /** {@code 1 / (1 + exp(-x))}, without cancellation for negative {@code x}. */
    public Expr sigmoid() {
        return node(Op.SIGMOID, this, null, null);
    }

    /** The error function. */
    public Expr erf() {
        return node(Op.ERF, this, null, null);
    }

    public Expr gt(Expr o) {
        return node(Op.GT, this, requireNonNull(o, "operand is null"), null);
    }

    public Expr gt(double o) {
        return gt(constant(o));
    }

    public Expr ge(Expr o) {
        return node(Op.GE, this, requireNonNull(o, "operand is null"), null);
    }

    public Expr ge(double o) {
        return ge(constant(o));
    }

    public Expr lt(Expr o) {
        return node(Op.LT, this, requireNonNull(o, "operand is null"), null);
    }

    public Expr lt(double o) {
        return lt(constant(o));
    }

    public Expr le(Expr o) {
        return node(Op.LE, this, requireNonNull(o, "operand is null"), null);
    }

    public Expr le(double o) {
        return le(constant(o));
    }

    public Op op() {
        return op;
    }

    /** Operand {@code i} (0, 1 or 2) of an inner node. */
    public Expr operand(int i) {
        Expr e = switch (i) {
            case 0 -> a;
            case 1 -> b;
            case 2 -> c;
            default -> null;
        };
        if (e == null) {
            throw new IndexOutOfBoundsException(op + " has no operand " + i);
        }
        return e;
    }

    /** The value of a {@link Op#CONSTANT}. */
    public double value() {
        return value;
    }

    /** The index of an {@link Op#ARG} or {@link Op#SCALAR}. */
    public int index() {
        return index;
    }

    /** One more than the largest argument index used (0 for none). */
    public int arity() {
        return count(Op.ARG);
    }

    /** One more than the largest scalar index used (0 for none). */
    public int scalarCount() {
        return count(Op.SCALAR);
    }

    private int count(Op leaf) {
        if (op == leaf) {
            return index + 1;
        }
        int n = 0;
        for (int i = 0; i < op.arity(); i++) {
            n = Math.max(n, operand(i).count(leaf));
        }
        return n;
    }

    /** The value in double precision, with {@code args[i]} the element of argument {@code i}. */
    public double eval(double[] args, double[] scalars) {
        return switch (op) {
            case ARG -> args[index];
            case SCALAR -> scalars[index];
            case CONSTANT -> value;
            case ADD -> a.eval(args, scalars) + b.eval(args, scalars);
            case SUB -> a.eval(args, scalars) - b.eval(args, scalars);
            case MUL -> a.eval(args, scalars) * b.eval(args, scalars);
            case DIV -> a.eval(args, scalars) / b.eval(args, scalars);
            case MAX -> Math.max(a.eval(args, scalars), b.eval(args, scalars));
            case MIN -> Math.min(a.eval(args, scalars), b.eval(args, scalars));
            case NEG -> -a.eval(args, scalars);
            case ABS -> Math.abs(a.eval(args, scalars));
            case SQUARE -> {
                double v = a.eval(args, scalars);
                yield v * v;
            }
            case SQRT -> Math.sqrt(a.eval(args, scalars));
            case EXP -> Math.exp(a.eval(args, scalars));
            case EXPM1 -> Math.expm1(a.eval(args, scalars));
            case LOG -> Math.log(a.eval(args, scalars));
            case LOG1P -> Math.log1p(a.eval(args, scalars));
            case TANH -> Math.tanh(a.eval(args, scalars));
            case SIGMOID -> sigmoid(a.eval(args, scalars));
            case ERF -> erf(a.eval(args, scalars));
            case GT -> a.eval(args, scalars) > b.eval(args, scalars) ? 1 : 0;
            case GE -> a.eval(args, scalars) >= b.eval(args, scalars) ? 1 : 0;
            case LT -> a.eval(args, scalars) < b.eval(args, scalars) ? 1 : 0;
            case LE -> a.eval(args, scalars) <= b.eval(args, scalars) ? 1 : 0;
            case WHERE -> a.eval(args, scalars) != 0 ? b.eval(args, scalars) : c.eval(args, scalars);
        };
    }

    /** The value of a one-argument expression at {@code x} (no scalars). */
    public double eval(double x) {
        return eval(new double[] {x}, new double[0]);
    }

    /** The logistic function in double, without cancellation: {@code e / (1 + e)} with {@code e = exp(x)} for {@code x < 0}. */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /**
     * The error function in double, to about 1e-15 relative: the Maclaurin series for
     * {@code |x| < 2.5}, else {@code 1 - erfc} by its continued fraction.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax >= 6) {
            return Math.copySign(1.0, x);
        }
        if (ax < 2.5) {
            // erf(x) = 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1))
            double term = ax;
            double sum = ax;
            double x2 = ax * ax;
            for (int n = 1; n < 80; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return Math.copySign(sum * 1.1283791670955126, x);
        }
        // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated from the tail
        double f = ax;
        for (int k = 60; k >= 1; k--) {
            f = ax + (k / 2.0) / f;
        }
        double erfc = Math.exp(-ax * ax) / (f * 1.7724538509055159);
        return Math.copySign(1.0 - erfc, x);
    }

    @Override
    public String toString() {
        return switch (op) {
            case ARG -> "a" + index;
            case SCALAR -> "s" + index;
            case CONSTANT -> Double.toString(value);
            case WHERE -> "where(" + a + ", " + b + ", " + c + ")";
            default -> op.arity() == 1 ? op.name().toLowerCase(java.util.Locale.ROOT) + "(" + a + ")"
                    : op.name().toLowerCase(java.util.Locale.ROOT) + "(" + a + ", " + b + ")";
        };
    }
}
