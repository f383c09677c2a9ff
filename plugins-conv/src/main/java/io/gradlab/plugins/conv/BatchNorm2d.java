package io.gradlab.plugins.conv;

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
import java.util.List;

/**
 * Batch normalization over the channels of images, with PyTorch's {@code BatchNorm2d} semantics:
 * in {@link Mode#TRAIN} each channel is normalised with the mean and biased variance over the batch
 * and the pixels ({@code M = N H W} values), and the running statistics move by
 * {@code running = (1 - momentum) running + momentum batch} with the <em>unbiased</em> variance; in
 * {@link Mode#EVAL} the running statistics are used. Then {@code y = scale x̂ + shift} per channel.
 * The backward pass is the exact derivative of the mode of the last forward pass.
 *
 * <p>On the kernels: a batch {@code [N, C H W]} is read as the matrix {@code [N C, H W]}; per-channel
 * sums are row sums followed by column sums of the {@code [N, C]} result; per-channel coefficients
 * are spread to one value per row ({@code [N C, 1]}) and broadcast as columns, so that the
 * normalisation and the input gradient are each one elementwise pass.
 */
public final class BatchNorm2d extends AbstractLayer implements ImageLayer {
    private static final Expr X = arg(0);
    private static final Expr CENTRED_SQUARE = arg(0).sub(arg(1)).square();
    private static final Expr CENTRED_PRODUCT = arg(0).mul(arg(1).sub(arg(2)));
    /** The backward pass's two sums over (a0 dy, a1 x, a2 mean): Σ dy and Σ dy (x - mean), in one pass over dy and x. */
    private static final Expr[] GRADIENT_SUMS = {X, CENTRED_PRODUCT};
    private static final Elementwise DIVIDE = Elementwise.assign(0, arg(0).div(scalar(0)));
    private static final Elementwise SPREAD1 = Elementwise.assign(0, arg(1));
    /**
     * Args a0 mean, a1 Σ centred squares, a2 invstd, a3/a4 running mean/var; scalars M, eps, momentum,
     * 1 - momentum, M - 1.
     */
    private static final Elementwise TRAIN_STATS = Elementwise.assign(2, arg(1).div(scalar(0)).add(scalar(1)).sqrt().rdiv(1.0))
            .then(3, scalar(3).mul(arg(3)).add(scalar(2).mul(arg(0))))
            .then(4, scalar(3).mul(arg(4)).add(scalar(2).mul(arg(1)).div(scalar(4))));
    /** a0 mean = a1 running mean, a2 invstd = 1 / sqrt(a3 running var + s0 eps). */
    private static final Elementwise EVAL_STATS = Elementwise.assign(0, arg(1)).then(2, arg(3).add(scalar(0)).sqrt().rdiv(1.0));
    /** Per channel: a0 k1 = a2 scale a3 invstd; a1 k2 (the output's offset) = a4 shift - a5 mean k1. */
    private static final Elementwise AFFINE = Elementwise.assign(0, arg(2).mul(arg(3))).then(1, arg(4).sub(arg(5).mul(arg(0))));
    /** Spreads three per-channel rows of [C] over the [N, C] views of per-row columns: a0 = a3, a1 = a4, a2 = a5. */
    private static final Elementwise SPREAD3 = Elementwise.assign(0, arg(3)).then(1, arg(4)).then(2, arg(5));
    /** y = x k1 + k2 (k1, k2 per row). */
    private static final Elementwise NORMALIZE = Elementwise.assign(0, arg(1).mul(arg(2)).add(arg(3)));
    /**
     * Per channel, after the sums: a0 (Σ dy x̂) = a0 (Σ dy (x - mean)) a1 invstd; then the coefficients of
     * {@code dx = k1 dy + k2 (x - mean) + k3}: a2 k2 = -a4 k1 a1 invstd a0 / s0 M; a3 k3 = -a4 k1 a5 (Σ dy) / s0 M.
     */
    private static final Elementwise GRAD_COEFFICIENTS = Elementwise.assign(0, arg(0).mul(arg(1)))
            .then(2, arg(4).mul(arg(1)).mul(arg(0)).div(scalar(0)).neg())
            .then(3, arg(4).mul(arg(5)).div(scalar(0)).neg());
    /** dx = a2 k1 a1 dy + a3 k2 (a4 x - a5 mean) + a6 k3. */
    private static final Elementwise TRAIN_GRAD = Elementwise.assign(0,
            arg(1).mul(arg(2)).add(arg(3).mul(arg(4).sub(arg(5)))).add(arg(6)));
    /** dx = a1 dy a2 k1. */
    private static final Elementwise EVAL_GRAD = Elementwise.assign(0, arg(1).mul(arg(2)));
    /** a0 scale grad += a2 Σ dy x̂; a1 shift grad += a3 Σ dy. */
    private static final Elementwise ACCUMULATE = Elementwise.assign(0, arg(0).add(arg(2))).then(1, arg(1).add(arg(3)));

    private final ImageShape shape;
    private final double eps;
    private final double momentum;
    private final boolean affine;
    private Parameter scale;
    private Parameter shift;
    private Tensor ones;
    private Tensor zeros;
    private Tensor runningMean;
    private Tensor runningVar;
    /**
     * The number of training-mode forward passes (PyTorch's {@code num_batches_tracked}), one F64 element whatever the
     * model's dtype, so it counts exactly; it does not change what the layer computes (the momentum is a number, never
     * PyTorch's cumulative average) and is kept for checkpoints and export.
     */
    private Tensor batchesTracked;
    /** Per channel: the mean and inverse standard deviation used, two sums, three coefficients. */
    private Tensor mean;
    private Tensor invStd;
    private Tensor sumA;
    private Tensor sumB;
    private Tensor k1;
    private Tensor k2;
    private Tensor k3;
    /** Per row of the [N C, H W] view, for the batch size {@code rowsFor}. */
    private int rowsFor = -1;
    private Tensor rowSums;
    private Tensor rowSumsByChannel;
    private Tensor rowSums2;
    private Tensor rowSums2ByChannel;
    /** {rowSums, rowSums2}: the outputs of {@link #GRADIENT_SUMS}. */
    private Tensor[] gradientRowSums;
    private Tensor rowMean;
    private Tensor rowK1;
    private Tensor rowK2;
    private Tensor rowK3;
    private Tensor rowMeanNc;
    private Tensor rowK1Nc;
    private Tensor rowK2Nc;
    private Tensor rowK3Nc;
    private Mode lastMode;
    private long count;
    /** Whether sumA and sumB hold Σ dy x̂ and Σ dy of the current backward pass. */
    private boolean sumsReady;
    private final Views inputViews = new Views();
    private final Views gradViews = new Views();
    private final Views ownViews = new Views();
    private final TensorArgs args = new TensorArgs();
    private final double[] scalars = new double[5];

    public BatchNorm2d(String name, ImageShape shape, double eps, double momentum, boolean affine) {
        super(name, "batch-norm2d");
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batch-norm2d '" + name + "': eps must be > 0 and momentum in [0, 1]");
        }
        this.shape = shape;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
    }

    @Override
    public ImageShape outputShape() {
        return shape;
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        Shapes.requireWidth(this, shape, inputWidth);
        int c = shape.channels();
        ones = Tensor.zeros(ctx.dtype(), c);
        ones.fill(1.0);
        zeros = Tensor.zeros(ctx.dtype(), c);
        if (affine) {
            scale = new Parameter("scale", Parameter.Role.SCALE, Tensor.zeros(ctx.dtype(), c));
            scale.value().fill(1.0);
            shift = new Parameter("shift", Parameter.Role.SHIFT, Tensor.zeros(ctx.dtype(), c));
        }
        runningMean = Tensor.zeros(ctx.dtype(), c);
        runningVar = Tensor.zeros(ctx.dtype(), c);
        runningVar.fill(1.0);
        batchesTracked = Tensor.zeros(DType.F64, 1);
        mean = Tensor.zeros(ctx.dtype(), c);
        invStd = Tensor.zeros(ctx.dtype(), c);
        sumA = Tensor.zeros(ctx.dtype(), c);
        sumB = Tensor.zeros(ctx.dtype(), c);
        k1 = Tensor.zeros(ctx.dtype(), c);
        k2 = Tensor.zeros(ctx.dtype(), c);
        k3 = Tensor.zeros(ctx.dtype(), c);
        return inputWidth;
    }

    @Override
    public List<Parameter> parameters() {
        return scale == null ? List.of() : List.of(scale, shift);
    }

    /**
     * The running mean and variance and the number of training batches seen (PyTorch's {@code running_mean},
     * {@code running_var}, {@code num_batches_tracked}).
     */
    @Override
    public List<Tensor> buffers() {
        return runningMean == null ? List.of() : List.of(runningMean, runningVar, batchesTracked);
    }

    private Tensor gamma() {
        return affine ? scale.value() : ones;
    }

    private Tensor beta() {
        return affine ? shift.value() : zeros;
    }

    /** The per-row buffers of a batch of {@code n}: made again only when the batch size changes. */
    private void rowsFor(int n) {
        if (rowsFor == n) {
            return;
        }
        int rows = n * shape.channels();
        rowSums = Tensor.zeros(dtype, rows);
        rowSumsByChannel = rowSums.reshape(n, shape.channels());
        rowSums2 = Tensor.zeros(dtype, rows);
        rowSums2ByChannel = rowSums2.reshape(n, shape.channels());
        gradientRowSums = new Tensor[] {rowSums, rowSums2};
        rowMean = Tensor.zeros(dtype, rows, 1);
        rowK1 = Tensor.zeros(dtype, rows, 1);
        rowK2 = Tensor.zeros(dtype, rows, 1);
        rowK3 = Tensor.zeros(dtype, rows, 1);
        rowMeanNc = rowMean.reshape(n, shape.channels());
        rowK1Nc = rowK1.reshape(n, shape.channels());
        rowK2Nc = rowK2.reshape(n, shape.channels());
        rowK3Nc = rowK3.reshape(n, shape.channels());
        rowsFor = n;
    }

    /** {@code out[c]} = the sum of {@code e} over the samples and pixels of channel {@code c}. */
    private void channelSums(Expr e, Tensor out, Tensor[] a) {
        ops.rowSums(e, 0, rowSums, null, a);
        ops.columnSums(X, 0, out, null, args.of(rowSumsByChannel));
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        int n = input.rows();
        int rows = n * shape.channels();
        rowsFor(n);
        lastMode = mode;
        Tensor x = inputViews.of(input, rows, shape.plane());
        Tensor y = ownViews.of(output, rows, shape.plane());
        count = (long) n * shape.plane();
        if (mode == Mode.TRAIN) {
            if (count < 2) {
                throw new GradlabException(GradlabException.Category.SPEC, "batch-norm2d '" + name() + "' got a training batch of " + n
                        + " sample of " + shape + ": batch statistics need at least 2 values per channel (as in PyTorch); use a larger batch size");
            }
            channelSums(X, mean, args.of(x));
            scalars[0] = count;
            ops.map(DIVIDE, scalars, args.of(mean));
            ops.map(SPREAD1, null, args.of(rowMeanNc, mean));
            channelSums(CENTRED_SQUARE, sumA, args.of(x, rowMean));
            scalars[1] = eps;
            scalars[2] = momentum;
            scalars[3] = 1 - momentum;
            scalars[4] = count - 1;
            ops.map(TRAIN_STATS, scalars, args.of(mean, sumA, invStd, runningMean, runningVar));
            batchesTracked.set(0, batchesTracked.get(0) + 1);
        } else {
            scalars[0] = eps;
            ops.map(EVAL_STATS, scalars, args.of(mean, runningMean, invStd, runningVar));
        }
        ops.map(AFFINE, null, args.of(k1, k2, gamma(), invStd, beta(), mean));
        ops.map(SPREAD3, null, args.of(rowK1Nc, rowK2Nc, rowMeanNc, k1, k2, mean));
        ops.map(NORMALIZE, null, args.of(y, x, rowK1, rowK2));
    }

    /** Σ dy x̂ into sumA and Σ dy into sumB, then the gradient coefficients k2, k3. */
    private void gradientSums(Tensor x, Tensor dy) {
        ops.rowSums(GRADIENT_SUMS, 0, gradientRowSums, null, args.of(dy, x, rowMean));
        ops.columnSums(X, 0, sumB, null, args.of(rowSumsByChannel));
        ops.columnSums(X, 0, sumA, null, args.of(rowSums2ByChannel));
        scalars[0] = count;
        ops.map(GRAD_COEFFICIENTS, scalars, args.of(sumA, invStd, k2, k3, k1, sumB));
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        int rows = input.rows() * shape.channels();
        Tensor x = inputViews.of(input, rows, shape.plane());
        Tensor dy = gradViews.of(gradOutput, rows, shape.plane());
        Tensor dx = ownViews.of(gradInput, rows, shape.plane());
        gradientSums(x, dy);
        sumsReady = true;
        if (lastMode == Mode.TRAIN) {
            ops.map(SPREAD3, null, args.of(rowK2Nc, rowK3Nc, rowMeanNc, k2, k3, mean));
            ops.map(TRAIN_GRAD, null, args.of(dx, dy, rowK1, rowK2, x, rowMean, rowK3));
        } else {
            ops.map(EVAL_GRAD, null, args.of(dx, dy, rowK1));
        }
    }

    @Override
    protected void accGradParameters(Tensor input, Tensor gradOutput) {
        if (!sumsReady) {
            int rows = input.rows() * shape.channels();
            gradientSums(inputViews.of(input, rows, shape.plane()), gradViews.of(gradOutput, rows, shape.plane()));
        }
        sumsReady = false;
        if (affine) {
            ops.map(ACCUMULATE, null, args.of(scale.grad(), shift.grad(), sumA, sumB));
        }
    }
}
