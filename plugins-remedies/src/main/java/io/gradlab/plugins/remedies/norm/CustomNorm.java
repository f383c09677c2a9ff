package io.gradlab.plugins.remedies.norm;

import static io.gradlab.api.tensor.Expr.arg;
import static io.gradlab.api.tensor.Expr.scalar;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorArgs;

/**
 * The course's normalisation {@code y = (x - mean) / (std + eps)} without learnable parameters,
 * either over the whole {@code [batch, features]} tensor ({@code over: tensor}) or per feature over
 * the batch ({@code over: feature}); {@code std} is the unbiased (divide by {@code n - 1}) or the
 * biased standard deviation. It always uses the statistics of the batch at hand (there are no
 * running statistics), in both modes.
 *
 * <p>The backward pass is the exact derivative: with {@code s = std + eps} and {@code y} the output,
 * {@code dx_j = (g_j - mean(g)) / s - y_j * sum_i(g_i y_i) / ((n - u) std)}, {@code u = 1} when unbiased
 * ({@code std = 0} drops the second term).
 *
 * <p>On the kernels: the statistics are tensors of one element ({@code over: tensor}, from whole sums,
 * broadcast as scalars) or of one per feature (from column sums, broadcast as rows), so that one set of
 * programs serves both.
 */
public final class CustomNorm extends AbstractLayer {
    /** Which elements share one mean and standard deviation. */
    public enum Over {
        TENSOR,
        FEATURE
    }

    /** {@code a0 = sqrt(a0 / s0)}: a sum of centred squares into a standard deviation ({@code s0} the divisor). */
    private static final Elementwise STD = Elementwise.assign(0, arg(0).div(scalar(0)).sqrt());
    /** {@code a0 (y) = (a1 (x) - a2 (mean)) / (a3 (std) + s0 (eps))}. */
    private static final Elementwise STANDARDIZE = Elementwise.assign(0, arg(1).sub(arg(2)).div(arg(3).add(scalar(0))));
    /**
     * Per group: {@code a0 = a0 / s0}: {@code Σ g} into the mean gradient; {@code a1 = a2 > 0 ? a1 / (s1 a2) : 0}:
     * {@code Σ g y} into the factor of {@code y} (0 when {@code std = 0}); scalars {@code n} and the divisor.
     */
    private static final Elementwise GRAD_STATS = Elementwise.assign(0, arg(0).div(scalar(0)))
            .then(1, Expr.where(arg(2).gt(0), arg(1).div(scalar(1).mul(arg(2))), 0));
    /** {@code a0 (dx) = (a1 (g) - a2 (mean g)) / (a3 (std) + s0 (eps)) - a4 (y) a5 (k)}. */
    private static final Elementwise GRAD = Elementwise.assign(0,
            arg(1).sub(arg(2)).div(arg(3).add(scalar(0))).sub(arg(4).mul(arg(5))));

    private final Over over;
    private final double eps;
    private final boolean unbiased;
    /** One element ({@code over: tensor}) or one per feature: the mean, the standard deviation, {@code Σ g}, {@code Σ g y}. */
    private Tensor mean;
    private Tensor std;
    private Tensor sumG;
    private Tensor sumGy;
    private final TensorArgs args = new TensorArgs();
    private final double[] scalars = new double[2];

    public CustomNorm(String name, Over over, double eps, boolean unbiased) {
        super(name, "custom-norm");
        if (!(eps > 0)) {
            throw new IllegalArgumentException("custom-norm '" + name + "': eps must be > 0");
        }
        this.over = over;
        this.eps = eps;
        this.unbiased = unbiased;
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        int groups = over == Over.TENSOR ? 1 : inputWidth;
        mean = Tensor.zeros(ctx.dtype(), groups);
        std = Tensor.zeros(ctx.dtype(), groups);
        sumG = Tensor.zeros(ctx.dtype(), groups);
        sumGy = Tensor.zeros(ctx.dtype(), groups);
        return inputWidth;
    }

    private int groupSize(Tensor t) {
        return over == Over.TENSOR ? t.size() : t.rows();
    }

    private double divisor(int n) {
        return unbiased ? n - 1 : n;
    }

    /** {@code out} = the sums of {@code e} per group (the whole tensor or each column). */
    private void sums(Tensor out, Expr e, Tensor[] arguments) {
        if (over == Over.TENSOR) {
            out.set(0, ops.sum(e, null, arguments));
        } else {
            ops.columnSums(e, 0, out, null, arguments);
        }
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        int n = groupSize(input);
        double div = divisor(n);
        sums(mean, Stats.X, args.of(input));
        scalars[0] = n;
        ops.map(Stats.DIVIDE, scalars, args.of(mean));
        if (div > 0) {
            sums(std, Stats.CENTRED_SQUARE, args.of(input, mean));
            scalars[0] = div;
            ops.map(STD, scalars, args.of(std));
        } else {
            std.fill(0.0);
        }
        scalars[0] = eps;
        ops.map(STANDARDIZE, scalars, args.of(output, input, mean, std));
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        Tensor y = output();
        int n = groupSize(input);
        sums(sumG, Stats.X, args.of(gradOutput));
        sums(sumGy, Stats.PRODUCT, args.of(gradOutput, y));
        scalars[0] = n;
        scalars[1] = divisor(n);
        ops.map(GRAD_STATS, scalars, args.of(sumG, sumGy, std));
        scalars[0] = eps;
        ops.map(GRAD, scalars, args.of(gradInput, gradOutput, sumG, std, y, sumGy));
    }
}
