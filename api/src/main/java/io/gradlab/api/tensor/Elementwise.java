package io.gradlab.api.tensor;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * An elementwise program: assignments {@code arg[target] = expr} run in order for every element, an
 * assignment seeing the values that earlier ones wrote. One program can update several tensors in
 * one pass, as an optimizer updates a weight and its moments:
 *
 * <pre>{@code
 * Expr w = Expr.arg(0), g = Expr.arg(1), m = Expr.arg(2);
 * Elementwise momentum = Elementwise.assign(2, m.mul(Expr.scalar(0)).add(g))   // m = mu m + g
 *         .then(0, w.sub(Expr.scalar(1).mul(m)));                              // w -= lr m
 * }</pre>
 *
 * Run it with {@link Ops#map} (on tensors) or {@link Ops#mapEach} (on groups of tensors, one pass over
 * all of them). Programs are immutable; build them once, not per step: the engine compiles each
 * program object once.
 */
public final class Elementwise {
    /** {@code arg[target] = expr}. */
    public record Assignment(int target, Expr expr) {
        public Assignment {
            if (target < 0 || target > 255) {
                throw new IllegalArgumentException("target must be in [0, 255], got " + target);
            }
            requireNonNull(expr, "expr is null");
        }
    }

    private final List<Assignment> assignments;

    private Elementwise(List<Assignment> assignments) {
        this.assignments = List.copyOf(assignments);
    }

    /** The program {@code arg[target] = expr}. */
    public static Elementwise assign(int target, Expr expr) {
        return new Elementwise(List.of(new Assignment(target, expr)));
    }

    /** This program followed by {@code arg[target] = expr}. */
    public Elementwise then(int target, Expr expr) {
        List<Assignment> next = new ArrayList<>(assignments);
        next.add(new Assignment(target, expr));
        return new Elementwise(next);
    }

    public List<Assignment> assignments() {
        return assignments;
    }

    /** The number of tensor arguments a call needs: one more than the largest index read or written. */
    public int arity() {
        int n = 0;
        for (Assignment a : assignments) {
            n = Math.max(n, Math.max(a.target() + 1, a.expr().arity()));
        }
        return n;
    }

    /** The number of scalars a call needs. */
    public int scalarCount() {
        int n = 0;
        for (Assignment a : assignments) {
            n = Math.max(n, a.expr().scalarCount());
        }
        return n;
    }

    /** The first assignment's target: its shape is the shape the program runs over. */
    public int firstTarget() {
        return assignments.get(0).target();
    }

    /**
     * Runs the program on one element in double precision: {@code values[i]} holds argument
     * {@code i}'s element and receives the targets' new values (the definition the kernels follow).
     */
    public void eval(double[] values, double[] scalars) {
        for (Assignment a : assignments) {
            values[a.target()] = a.expr().eval(values, scalars);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Assignment a : assignments) {
            sb.append(sb.length() == 0 ? "" : "; ").append('a').append(a.target()).append(" = ").append(a.expr());
        }
        return sb.toString();
    }
}
