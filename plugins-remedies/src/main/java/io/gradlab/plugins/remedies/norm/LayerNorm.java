package io.gradlab.plugins.remedies.norm;

import static io.gradlab.api.tensor.Expr.arg;
import static io.gradlab.api.tensor.Expr.scalar;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorArgs;
import java.util.List;

/**
 * Layer normalization (PyTorch's {@code LayerNorm} over the feature dimension): each sample is
 * normalised over its own features, {@code y = scale * (x - mean_row) / sqrt(var_row + eps) + shift},
 * with the biased variance; the same in both modes (no running statistics).
 *
 * <p>On the kernels: the row means and variances are row sums (the variance from centred squares),
 * the normalisation one pass with the per-row statistics broadcast as columns and the scale and
 * shift as rows; the backward pass takes {@code Σ dy'} and {@code Σ dy' x̂} ({@code dy' = dy scale})
 * as row sums, and the scale and shift gradients as column sums.
 */
public final class LayerNorm extends AbstractLayer {
    /** {@code dy'}: {@code a0 (dy) a1 (scale)}. */
    private static final Expr SCALED = arg(0).mul(arg(1));
    /** {@code dy' x̂}: {@code a0 (dy) a1 (scale) a2 (x̂)}. */
    private static final Expr SCALED_PRODUCT = arg(0).mul(arg(1)).mul(arg(2));
    /** The backward pass's two row sums, in one pass over (dy, scale, x̂) or (dy, x̂). */
    private static final Expr[] AFFINE_SUMS = {SCALED, SCALED_PRODUCT};
    private static final Expr[] PLAIN_SUMS = {Stats.X, Stats.PRODUCT};
    /** Over (a0 dy, a1 x̂), in one pass: the scale's gradient Σ dy x̂ and the shift's Σ dy, down the batch. */
    private static final Expr[] PARAMETER_SUMS = {Stats.PRODUCT, Stats.X};
    private final Tensor[] sums = new Tensor[2];
    /** {@code a0 = a3 (invstd) (a1 (dy) [a6 (scale)] - (a4 (Σ dy') + a2 (x̂) a5 (Σ dy' x̂)) / s0 (d))}. */
    private static final Elementwise GRAD = Elementwise.assign(0, arg(3).mul(arg(1).sub(arg(4).add(arg(2).mul(arg(5))).div(scalar(0)))));
    private static final Elementwise GRAD_AFFINE = Elementwise.assign(0,
            arg(3).mul(arg(1).mul(arg(6)).sub(arg(4).add(arg(2).mul(arg(5))).div(scalar(0)))));

    private final double eps;
    private final boolean affine;
    private Parameter scale;
    private Parameter shift;
    /** The parameters, made once they exist: {@link #parameters()} is called every step and allocates nothing. */
    private List<Parameter> parameters = List.of();
    private final BufferCache normalized = new BufferCache();
    /** Per row, {@code [batch, 1]}: the mean, the inverse standard deviation, and two sums. */
    private final BufferCache means = new BufferCache();
    private final BufferCache invStds = new BufferCache();
    private final BufferCache firstSums = new BufferCache();
    private final BufferCache secondSums = new BufferCache();
    private final TensorArgs args = new TensorArgs();
    private final double[] scalars = new double[2];
    private Tensor xhat;
    private Tensor invStd;

    public LayerNorm(String name, double eps, boolean affine) {
        super(name, "layer-norm");
        if (!(eps > 0)) {
            throw new IllegalArgumentException("layer-norm '" + name + "': eps must be > 0");
        }
        this.eps = eps;
        this.affine = affine;
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        if (affine) {
            scale = new Parameter("scale", Parameter.Role.SCALE, Tensor.zeros(ctx.dtype(), inputWidth));
            scale.value().fill(1.0);
            shift = new Parameter("shift", Parameter.Role.SHIFT, Tensor.zeros(ctx.dtype(), inputWidth));
            parameters = List.of(scale, shift);
        }
        return inputWidth;
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        int n = input.rows();
        xhat = normalized.get(dtype, n, inputWidth);
        Tensor mean = means.get(dtype, n, 1);
        Tensor squares = firstSums.get(dtype, n, 1);
        invStd = invStds.get(dtype, n, 1);
        ops.rowSums(Stats.X, 0, mean, null, args.of(input));
        scalars[0] = inputWidth;
        scalars[1] = eps;
        ops.map(Stats.DIVIDE, scalars, args.of(mean));
        ops.rowSums(Stats.CENTRED_SQUARE, 0, squares, null, args.of(input, mean));
        ops.map(Stats.INV_STD, scalars, args.of(invStd, squares));
        if (affine) {
            ops.map(Stats.NORMALIZE_AFFINE, null, args.of(xhat, input, mean, invStd, output, scale.value(), shift.value()));
        } else {
            ops.map(Stats.NORMALIZE, null, args.of(xhat, input, mean, invStd, output));
        }
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        // dx = invstd (dy' - (Σ dy' + x̂ Σ dy' x̂) / d), dy' = dy scale, the sums over the row
        int n = input.rows();
        Tensor sum = firstSums.get(dtype, n, 1);
        Tensor sumX = secondSums.get(dtype, n, 1);
        scalars[0] = inputWidth;
        if (affine) {
            ops.rowSums(AFFINE_SUMS, 0, sums(sum, sumX), null, args.of(gradOutput, scale.value(), xhat));
            ops.map(GRAD_AFFINE, scalars, args.of(gradInput, gradOutput, xhat, invStd, sum, sumX, scale.value()));
        } else {
            ops.rowSums(PLAIN_SUMS, 0, sums(sum, sumX), null, args.of(gradOutput, xhat));
            ops.map(GRAD, scalars, args.of(gradInput, gradOutput, xhat, invStd, sum, sumX));
        }
    }

    private Tensor[] sums(Tensor first, Tensor second) {
        sums[0] = first;
        sums[1] = second;
        return sums;
    }

    @Override
    protected void accGradParameters(Tensor input, Tensor gradOutput) {
        if (!affine) {
            return;
        }
        ops.columnSums(PARAMETER_SUMS, 1, sums(scale.grad(), shift.grad()), null, args.of(gradOutput, xhat));
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }
}
