package io.gradlab.plugins.remedies.norm;

import static io.gradlab.api.tensor.Expr.arg;
import static io.gradlab.api.tensor.Expr.scalar;

import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorArgs;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch normalization over the batch, per feature, with PyTorch's {@code BatchNorm1d} semantics.
 *
 * <p>{@link Mode#TRAIN}: {@code y = scale * (x - mean_B) / sqrt(var_B + eps) + shift} with the batch
 * mean and the biased batch variance; the running statistics are updated as
 * {@code running = (1 - momentum) running + momentum * batch}, using the <em>unbiased</em> batch
 * variance for {@code running-var}. {@link Mode#EVAL}: the same with the running statistics.
 * The backward pass is the exact derivative of the mode of the last forward pass.
 *
 * <p>The running statistics are buffers, not {@link Parameter}s: optimizers never see them;
 * {@link #state()} exposes them (for checkpoints).
 *
 * <p>On the kernels: the means and the variances are column sums (two passes over {@code x}, the
 * variance from centred squares), the per-feature statistics one small program over the features,
 * the normalisation one pass with the statistics broadcast as rows; the backward pass takes
 * {@code Σ dy} and {@code Σ dy x̂} as column sums and reuses them for the scale and shift gradients.
 */
public final class BatchNorm extends AbstractLayer {
    /**
     * The statistics of a training batch, over the features: {@code a0 (invstd) = 1 / sqrt(a1 / n + eps)}
     * from {@code a1} the sums of centred squares, then the running mean {@code a3} and variance
     * {@code a4} moved towards the batch mean {@code a2} and the unbiased variance {@code a1 / (n - 1)}.
     * Scalars: {@code n, eps, momentum, 1 - momentum, n - 1}.
     */
    private static final Elementwise TRAIN_STATS = Elementwise.assign(0, arg(1).div(scalar(0)).add(scalar(1)).sqrt().rdiv(1.0))
            .then(3, scalar(3).mul(arg(3)).add(scalar(2).mul(arg(2))))
            .then(4, scalar(3).mul(arg(4)).add(scalar(2).mul(arg(1)).div(scalar(4))));
    /** {@code a0 (invstd) = 1 / sqrt(a1 (running var) + s0 (eps))}. */
    private static final Elementwise EVAL_STATS = Elementwise.assign(0, arg(1).add(scalar(0)).sqrt().rdiv(1.0));
    /**
     * The input gradient of a training batch: {@code a0 = [a6 (scale)] a3 (invstd) (a1 (dy) - (a4 (Σ dy)
     * + a2 (x̂) a5 (Σ dy x̂)) / s0 (n))}.
     */
    private static final Elementwise TRAIN_GRAD = Elementwise.assign(0,
            arg(3).mul(arg(1).sub(arg(4).add(arg(2).mul(arg(5))).div(scalar(0)))));
    private static final Elementwise TRAIN_GRAD_AFFINE = Elementwise.assign(0,
            arg(6).mul(arg(3)).mul(arg(1).sub(arg(4).add(arg(2).mul(arg(5))).div(scalar(0)))));
    /** The input gradient with the running statistics: {@code a0 = a1 (dy) [a3 (scale)] a2 (invstd)}. */
    private static final Elementwise EVAL_GRAD = Elementwise.assign(0, arg(1).mul(arg(2)));
    private static final Elementwise EVAL_GRAD_AFFINE = Elementwise.assign(0, arg(1).mul(arg(3)).mul(arg(2)));
    /** {@code a0 (scale grad) += a2 (Σ dy x̂)}, {@code a1 (shift grad) += a3 (Σ dy)}. */
    private static final Elementwise ACCUMULATE = Elementwise.assign(0, arg(0).add(arg(2))).then(1, arg(1).add(arg(3)));
    /** Over (a0 dy, a1 x̂), in one pass: Σ dy and Σ dy x̂ (the backward pass's sums). */
    private static final Expr[] GRADIENT_SUMS = {Stats.X, Stats.PRODUCT};
    /** Over (a0 dy, a1 x̂), in one pass: the scale's gradient Σ dy x̂ and the shift's Σ dy. */
    private static final Expr[] PARAMETER_SUMS = {Stats.PRODUCT, Stats.X};

    private final double eps;
    private final double momentum;
    private final boolean affine;
    private Parameter scale;
    private Parameter shift;
    /** The parameters, made once they exist: {@link #parameters()} is called every step and allocates nothing. */
    private List<Parameter> parameters = List.of();
    private Tensor runningMean;
    private Tensor runningVar;
    /**
     * The number of training-mode forward passes (PyTorch's {@code num_batches_tracked}), one F64 element whatever the
     * model's dtype, so it counts exactly; it does not change what the layer computes and is kept for checkpoints and export.
     */
    private Tensor batchesTracked;
    /** Per feature: the batch mean, the inverse standard deviation used, and two sums (centred squares; Σ dy, Σ dy x̂). */
    private Tensor mean;
    private Tensor invStd;
    private Tensor sumA;
    private Tensor sumB;
    /** Whether sumA and sumB hold Σ dy and Σ dy x̂ of the current backward pass. */
    private boolean sumsOfThisBackward;
    private final BufferCache normalized = new BufferCache();
    private final TensorArgs args = new TensorArgs();
    private final double[] scalars = new double[5];
    private final Tensor[] sumOutputs = new Tensor[2];
    private Tensor xhat;
    private Mode lastMode;

    public BatchNorm(String name, double eps, double momentum, boolean affine) {
        super(name, "batch-norm");
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batch-norm '" + name + "': eps must be > 0 and momentum in [0, 1]");
        }
        this.eps = eps;
        this.momentum = momentum;
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
        runningMean = Tensor.zeros(ctx.dtype(), inputWidth);
        runningVar = Tensor.zeros(ctx.dtype(), inputWidth);
        runningVar.fill(1.0);
        batchesTracked = Tensor.zeros(DType.F64, 1);
        mean = Tensor.zeros(ctx.dtype(), inputWidth);
        invStd = Tensor.zeros(ctx.dtype(), inputWidth);
        sumA = Tensor.zeros(ctx.dtype(), inputWidth);
        sumB = Tensor.zeros(ctx.dtype(), inputWidth);
        return inputWidth;
    }

    /**
     * The running mean and variance and the number of training batches seen, for checkpoints and weight export (PyTorch's
     * {@code running_mean}, {@code running_var}, {@code num_batches_tracked}).
     */
    @Override
    public List<Tensor> buffers() {
        return runningMean == null ? List.of() : List.of(runningMean, runningVar, batchesTracked);
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        int n = input.rows();
        lastMode = mode;
        xhat = normalized.get(dtype, n, inputWidth);
        Tensor centre;
        if (mode == Mode.TRAIN) {
            if (n < 2) {
                throw new GradlabException(GradlabException.Category.SPEC, "batch-norm '" + name()
                        + "' got a training batch of " + n + " sample: batch statistics need at least 2 (as in PyTorch);"
                        + " use a larger batch size, or layer-norm, which normalises each sample on its own");
            }
            ops.columnSums(Stats.X, 0, mean, null, args.of(input));
            scalars[0] = n;
            ops.map(Stats.DIVIDE, scalars, args.of(mean));
            ops.columnSums(Stats.CENTRED_SQUARE, 0, sumA, null, args.of(input, mean));
            scalars[1] = eps;
            scalars[2] = momentum;
            scalars[3] = 1 - momentum;
            scalars[4] = n - 1;
            ops.map(TRAIN_STATS, scalars, args.of(invStd, sumA, mean, runningMean, runningVar));
            batchesTracked.set(0, batchesTracked.get(0) + 1);
            centre = mean;
        } else {
            scalars[0] = eps;
            ops.map(EVAL_STATS, scalars, args.of(invStd, runningVar));
            centre = runningMean;
        }
        if (affine) {
            ops.map(Stats.NORMALIZE_AFFINE, null, args.of(xhat, input, centre, invStd, output, scale.value(), shift.value()));
        } else {
            ops.map(Stats.NORMALIZE, null, args.of(xhat, input, centre, invStd, output));
        }
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        if (lastMode == Mode.EVAL) {
            if (affine) {
                ops.map(EVAL_GRAD_AFFINE, null, args.of(gradInput, gradOutput, invStd, scale.value()));
            } else {
                ops.map(EVAL_GRAD, null, args.of(gradInput, gradOutput, invStd));
            }
            return;
        }
        // dx = scale invstd (dy - (Σ dy + x̂ Σ dy x̂) / n)
        ops.columnSums(GRADIENT_SUMS, 0, sums(sumA, sumB), null, args.of(gradOutput, xhat));
        sumsOfThisBackward = true;
        scalars[0] = input.rows();
        if (affine) {
            ops.map(TRAIN_GRAD_AFFINE, scalars, args.of(gradInput, gradOutput, xhat, invStd, sumA, sumB, scale.value()));
        } else {
            ops.map(TRAIN_GRAD, scalars, args.of(gradInput, gradOutput, xhat, invStd, sumA, sumB));
        }
    }

    @Override
    protected void accGradParameters(Tensor input, Tensor gradOutput) {
        boolean reuse = sumsOfThisBackward;
        sumsOfThisBackward = false;
        if (!affine) {
            return;
        }
        if (reuse) {
            ops.map(ACCUMULATE, null, args.of(scale.grad(), shift.grad(), sumB, sumA));
        } else {
            ops.columnSums(PARAMETER_SUMS, 1, sums(scale.grad(), shift.grad()), null, args.of(gradOutput, xhat));
        }
    }

    private Tensor[] sums(Tensor first, Tensor second) {
        sumOutputs[0] = first;
        sumOutputs[1] = second;
        return sumOutputs;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /**
     * The running statistics (buffers, not parameters), by name: {@code running-mean},
     * {@code running-var} and {@code num-batches-tracked} (the number of training-mode forward passes, one F64 element).
     * The tensors are live: a checkpoint loader copies into them.
     */
    public Map<String, Tensor> state() {
        if (runningMean == null) {
            return Map.of();
        }
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("running-mean", runningMean);
        state.put("running-var", runningVar);
        state.put("num-batches-tracked", batchesTracked);
        return Collections.unmodifiableMap(state);
    }
}
