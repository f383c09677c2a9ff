package io.gradlab.api.nn;

import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;

/**
 * A stateless activation given by two expressions: its value {@code f(x)} and its derivative
 * {@code f'(x)} (which may read the output {@code y = f(x)}: the sigmoid's is {@code y (1 - y)}). The
 * engine compiles them once into vectorized kernels split over its threads, in float32 and float64
 * alike, so an activation written in a few lines runs as fast as a built-in one:
 *
 * <pre>{@code
 * final class Relu extends ElementwiseActivation {
 *     protected Expr function(Expr x) { return x.max(0); }
 *     protected Expr derivative(Expr x, Expr y) { return Expr.where(x.gt(0), 1, 0); }
 *     protected Expr gradient(Expr x, Expr y, Expr gy) { return Expr.where(x.gt(0), gy, 0); } // optional: one step less
 * }
 * }</pre>
 *
 * {@link #value} and {@link #derivative(double, double)} evaluate the same expressions in double (the
 * definition gradient checks and diagnostics use). Keep the expressions finite in the tails (no NaN at
 * ±1000): write {@code log1p(exp(-|x|)) + max(x, 0)}, not {@code log(1 + exp(x))}.
 */
public abstract class ElementwiseActivation implements Activation {
    private static final Expr X = Expr.arg(0);
    private static final Expr Y = Expr.arg(1);
    private static final Expr GRAD_Y = Expr.arg(2);

    private Expr valueExpr;
    private Expr derivativeExpr;
    private Elementwise forward;
    private Elementwise backward;
    private Ops ops;
    /** The arguments of the forward and backward calls, reused: a call allocates nothing. */
    private final Tensor[] forwardArgs = new Tensor[2];
    private final Tensor[] backwardArgs = new Tensor[4];

    /** {@code f(x)}, built from {@code x} (called once). */
    protected abstract Expr function(Expr x);

    /** {@code f'(x)}, built from {@code x} and the output {@code y = f(x)} (called once). */
    protected abstract Expr derivative(Expr x, Expr y);

    /**
     * The input gradient {@code f'(x) gradY}; override with an equivalent cheaper expression (ReLU's
     * {@code where(x > 0, gradY, 0)}).
     */
    protected Expr gradient(Expr x, Expr y, Expr gradY) {
        return derivative(x, y).mul(gradY);
    }

    /** The value as an expression of argument 0 ({@code x}). */
    public final Expr valueExpression() {
        if (valueExpr == null) {
            valueExpr = function(X);
        }
        return valueExpr;
    }

    /** The derivative as an expression of argument 0 ({@code x}) and argument 1 ({@code y = f(x)}). */
    public final Expr derivativeExpression() {
        if (derivativeExpr == null) {
            derivativeExpr = derivative(X, Y);
        }
        return derivativeExpr;
    }

    /** {@code f(x)} in double. */
    public final double value(double x) {
        return valueExpression().eval(new double[] {x}, null);
    }

    /** {@code f'(x)} in double, given {@code y = f(x)}. */
    public final double derivative(double x, double y) {
        return derivativeExpression().eval(new double[] {x, y}, null);
    }

    @Override
    public void bind(int units, BuildContext ctx) {
        this.ops = ctx.ops();
    }

    @Override
    public final void forward(Tensor x, Tensor y) {
        if (forward == null) {
            forward = Elementwise.assign(1, valueExpression());
        }
        run(forward, x, y, null, null);
    }

    @Override
    public final void backward(Tensor x, Tensor y, Tensor gradY, Tensor gradX) {
        if (backward == null) {
            backward = Elementwise.assign(3, gradient(X, Y, GRAD_Y));
        }
        run(backward, x, y, gradY, gradX);
    }

    private void run(Elementwise program, Tensor a, Tensor b, Tensor c, Tensor d) {
        if (ops != null) {
            Tensor[] args = c == null ? forwardArgs : backwardArgs;
            args[0] = a;
            args[1] = b;
            if (c != null) {
                args[2] = c;
                args[3] = d;
            }
            ops.map(program, null, args);
            return;
        }
        // not bound to an engine (a unit test calling it directly): by definition, element by element
        double[] v = new double[4];
        Tensor[] args = {a, b, c, d};
        Tensor target = args[program.firstTarget()];
        for (int i = 0; i < target.size(); i++) {
            for (int k = 0; k < program.arity(); k++) {
                v[k] = args[k].get(i);
            }
            program.eval(v, null);
            target.set(i, v[program.firstTarget()]);
        }
    }
}
