package io.gradlab.plugins.conv;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorArgs;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A 2-D convolution with PyTorch's {@code Conv2d} semantics (cross-correlation, square kernel,
 * stride, zero padding, dilation, optional bias). The weight has PyTorch's layout
 * {@code [out, in, kh, kw]}, read by the kernels as the matrix {@code [out, in kh kw]}.
 *
 * <p>Per sample, the input is unfolded into the column matrix {@code [in kh kw, OH OW]} (im2col,
 * with one array copy per row of pixels, or per row of the column matrix when the stride is 1 and the
 * output as wide as the input, {@link Unfold}) and the output is one matrix product
 * {@code Y = W col}. The input gradient of a stride-1 convolution is itself a convolution, of
 * {@code dY} with the flipped weight (padding {@code dilation (k - 1) - padding}), computed the same
 * way from the flipped-kernel columns {@code D} of {@code dY}; the weight gradient then comes from
 * those same columns and the input itself, {@code D xᵀ} (no column matrix of the input is gathered
 * again). At larger strides the input gradient is {@code dcol = Wᵀ dY} scattered back into the input
 * (col2im) and the weight gradient adds {@code dY colᵀ}, as it does for a first layer, whose input
 * gradient is not computed. Input and weight gradients are one pass over the batch. A single-sample
 * product writes straight into the batch tensors. Small images are taken several
 * samples at a time: their column matrices side by side make one product of about 1 024 columns
 * ({@code [out, in kh kw] x [in kh kw, g OH OW]}), which the BLAS runs far better than many narrow
 * ones. Float32 stride-1 "same" convolutions (ResNet's 3x3 layers) and stride-2 ones without dilation (its
 * transitions and projections) with a multiple of 8 output channels run on {@link DirectConv} instead, which reads
 * padded planes (at stride 2 their four phase planes) at shifted offsets without a column matrix; its weight
 * gradient too when the output channels fill whole vectors, and at stride 1 its input gradient when the input
 * channels are a multiple of 8 (at stride 2 that stays col2im). Float64 and other convolutions take the im2col
 * route. The batch is split into one
 * chunk per kernel thread ({@link io.gradlab.api.tensor.Ops#parallelFor}); each thread owns its
 * column and output buffers and its part of the weight gradient, which are summed in a fixed order,
 * so that results do not depend on scheduling. All buffers are sized at build time.
 */
public final class Conv2d extends AbstractLayer implements ImageLayer {
    /**
     * Whether float32 stride-1 "same" convolutions run on {@link DirectConv}: when the JVM has the Vector API
     * ({@code --add-modules jdk.incubator.vector}, as the launcher starts it) and {@code -Dgradlab.conv.direct=false}
     * does not turn it off (to compare with the im2col path).
     */
    private static final boolean DIRECT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equals(System.getProperty("gradlab.conv.direct"));
    /** {@code a0 += a1}. */
    private static final Elementwise ADD = Elementwise.assign(0, Expr.arg(0).add(Expr.arg(1)));
    private final TensorArgs args = new TensorArgs();
    private final ImageShape in;
    private final ImageShape out;
    private final Window window;
    private final boolean hasBias;
    private final String nonlinearity;
    private final Initializer init;
    private final Unfold unfold;
    /** The input gradient of a stride-1 convolution as a convolution of dY with the flipped weight, or {@code null}. */
    private final Unfold transposed;
    private final int k;
    private final int p;
    private Parameter weight;
    private Parameter bias;
    private List<Parameter> parameters = List.of();
    private Tensor weightMatrix;
    private Tensor weightGradMatrix;
    /** The flipped weight {@code [in, out kh kw]}: {@code Wf[ci, (co, i, j)] = W[co, ci, kh - 1 - i, kw - 1 - j]}. */
    private Tensor flipped;
    private Tensor[][] backCols;
    private Tensor[][] backPlanes;
    private int chunks;
    /** Samples per matrix product: enough to give small images a product of about 1 024 columns. */
    private final int group;
    /** Per thread and group size {@code g} (index {@code g - 1}): views of one buffer as {@code [rows, g P]}. */
    private Tensor[][] cols;
    private Tensor[][] planes;
    private Tensor[] weightGrads;
    private Tensor[] biasGrads;
    /** Per thread, the weight gradient of the flipped-kernel columns {@code [out kh kw, in]} (stride-1 layers). */
    private Tensor[] flippedGrads;
    /** Whether the last backward pass computed the weight gradient's parts already (with the input gradient). */
    private boolean weightPartsReady;
    private final SampleViews inViews;
    private final SampleViews outViews;
    private final IntConsumer forwardPart = this::forwardChunk;
    private final IntConsumer backwardPart = this::backwardChunk;
    private final IntConsumer gradWeightPart = this::gradWeightChunk;
    // the direct path's parts are methods of their own, so that the JIT profiles and compiles each route apart
    private final IntConsumer forwardDirectPart = this::forwardDirect;
    private final IntConsumer backwardDirectPart = t -> backwardDirect(t, true);
    private final IntConsumer gradWeightDirectPart = t -> backwardDirect(t, false);
    private final IntConsumer stridedDirectPart = this::backwardStridedDirect;
    /** The direct kernels of a float32 stride-1 "same" convolution ({@link DirectConv}), or {@code null}: im2col. */
    private DirectConv direct;
    private boolean directAllowed = DIRECT;
    /** The weight in {@link DirectConv#arrangeForward} order, and the input gradient's ({@link DirectConv#arrangeTransposed}). */
    private float[] arranged;
    private float[] arrangedTransposed;
    /** Per thread: a block of padded inputs, one padded output gradient, an output grid, a block of output gradients with pixels as rows, the weight gradient's partial sums. */
    private float[][] paddedIn;
    private float[][] paddedOut;
    private float[][] grids;
    private float[][] gradPixels;
    private float[][] partials;
    private Tensor x;
    private Tensor y;
    private Tensor dy;
    private Tensor dx;
    private int batch;

    /**
     * @param nonlinearity the id of the activation that follows, for gain-aware initializers
     * @param init         the weight initializer (and its bias rule), or {@code null} for the model's
     */
    public Conv2d(String name, ImageShape in, int outChannels, Window window, boolean bias, String nonlinearity, Initializer init) {
        super(name, "conv2d");
        this.in = in;
        this.window = window;
        this.out = window.output(in, outChannels, name, "conv2d");
        this.hasBias = bias;
        this.nonlinearity = nonlinearity;
        this.init = init;
        this.unfold = new Unfold(in, out, window);
        int padding = window.dilation() * (window.kernel() - 1) - window.padding();
        this.transposed = window.stride() == 1 && padding >= 0
                ? new Unfold(out, in, new Window(window.kernel(), 1, padding, window.dilation())) : null;
        this.k = in.channels() * window.kernel() * window.kernel();
        this.p = out.plane();
        this.group = Math.max(1, Math.min(32, 1024 / p));
        this.inViews = new SampleViews(in.channels(), in.plane());
        this.outViews = new SampleViews(out.channels(), out.plane());
    }

    /** Turns the direct kernels off (or back on, where the JVM has them) before {@link #build}: tests compare both paths. */
    Conv2d directKernels(boolean on) {
        directAllowed = on && DIRECT;
        return this;
    }

    /** Whether this built layer runs on {@link DirectConv}. */
    boolean usesDirectKernels() {
        return direct != null;
    }

    public ImageShape inputShape() {
        return in;
    }

    @Override
    public ImageShape outputShape() {
        return out;
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        Shapes.requireWidth(this, in, inputWidth);
        int kk = window.kernel() * window.kernel();
        weight = new Parameter("weight", Parameter.Role.WEIGHT,
                Tensor.zeros(ctx.dtype(), out.channels(), in.channels(), window.kernel(), window.kernel()));
        Fan fan = new Fan(in.channels() * kk, out.channels() * kk, nonlinearity);
        if (init == null) {
            ctx.initializeWeight(weight, fan);
        } else {
            init.initialize(weight.value(), fan, ctx.random());
        }
        if (hasBias) {
            bias = new Parameter("bias", Parameter.Role.BIAS, Tensor.zeros(ctx.dtype(), out.channels()));
            if (init == null) {
                ctx.initializeBias(bias, fan);
            } else {
                init.initializeBias(bias.value(), fan, ctx.random());
            }
        }
        weightMatrix = weight.value().reshape(out.channels(), k);
        weightGradMatrix = weight.grad().reshape(out.channels(), k);
        parameters = bias == null ? List.of(weight) : List.of(weight, bias);
        chunks = Math.max(1, ctx.ops().threads());
        if (ctx.dtype() == DType.F32 && directAllowed && DirectConv.fits(in, out.channels(), window)) {
            buildDirect();
        }
        if (transposed != null) {
            flipped = Tensor.zeros(ctx.dtype(), in.channels(), out.channels() * kk);
            backCols = new Tensor[chunks][];
            backPlanes = new Tensor[chunks][];
            flippedGrads = new Tensor[chunks];
            for (int t = 0; t < chunks; t++) {
                backCols[t] = grouped(ctx, out.channels() * kk, in.plane());
                backPlanes[t] = grouped(ctx, in.channels(), in.plane());
                flippedGrads[t] = Tensor.zeros(ctx.dtype(), out.channels() * kk, in.channels());
            }
        }
        cols = new Tensor[chunks][];
        planes = new Tensor[chunks][];
        weightGrads = new Tensor[chunks];
        biasGrads = new Tensor[chunks];
        for (int t = 0; t < chunks; t++) {
            cols[t] = grouped(ctx, k, p);
            planes[t] = grouped(ctx, out.channels(), p);
            weightGrads[t] = Tensor.zeros(ctx.dtype(), out.channels(), k);
            biasGrads[t] = Tensor.zeros(ctx.dtype(), out.channels());
        }
        return out.size();
    }

    private void buildDirect() {
        direct = new DirectConv(in, out.channels(), window);
        direct.warmUp();
        arranged = new float[direct.arrangedSize()];
        arrangedTransposed = direct.backwardFits() ? new float[direct.arrangedSize()] : null;
        paddedIn = new float[chunks][];
        paddedOut = new float[chunks][];
        grids = new float[chunks][];
        gradPixels = new float[chunks][];
        partials = new float[chunks][];
        for (int t = 0; t < chunks; t++) {
            paddedIn[t] = new float[direct.samplesPerBlock * direct.inStride];
            paddedOut[t] = direct.backwardFits() ? new float[direct.outStride] : null;
            grids[t] = new float[Math.max(in.channels(), out.channels()) * direct.qp];
            gradPixels[t] = new float[direct.samplesPerBlock * direct.pixelRowsStride()];
            partials[t] = new float[direct.partialSize()];
        }
    }

    /** One buffer of {@code rows x group x width}, viewed as {@code [rows, g width]} for each g. */
    private Tensor[] grouped(BuildContext ctx, int rows, int width) {
        Tensor buffer = Tensor.zeros(ctx.dtype(), rows * group * width);
        Tensor[] views = new Tensor[group];
        for (int g = 1; g <= group; g++) {
            views[g - 1] = buffer.slice(0, rows * g * width).reshape(rows, g * width);
        }
        return views;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        x = input;
        y = output;
        batch = input.rows();
        if (direct != null) {
            direct.arrangeForward(weight.value().floats(), weight.value().offset(), arranged);
        }
        ops.parallelFor(chunks, direct != null ? forwardDirectPart : forwardPart);
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        x = input;
        dy = gradOutput;
        dx = gradInput;
        batch = input.rows();
        if (directBackward()) {
            direct.arrangeTransposed(weight.value().floats(), weight.value().offset(), arrangedTransposed);
        } else if (transposed != null) {
            flipWeight();
        }
        // the weight gradient is computed in the same pass, from the same gathered columns (accGradParameters then adds it up)
        ops.parallelFor(chunks, directBackward() ? backwardDirectPart
                : direct != null && direct.gradWeightFits() && transposed == null ? stridedDirectPart : backwardPart);
        weightPartsReady = true;
    }

    @Override
    protected void accGradParameters(Tensor input, Tensor gradOutput) {
        x = input;
        dy = gradOutput;
        batch = input.rows();
        if (!weightPartsReady) {
            ops.parallelFor(chunks, direct != null && direct.gradWeightFits() ? gradWeightDirectPart : gradWeightPart);
        }
        if (weightPartsReady && transposed != null && !directBackward()) {
            addFlippedParts();
        } else {
            for (int t = 0; t < chunks; t++) {
                ops.map(ADD, null, args.of(weightGradMatrix, weightGrads[t]));
            }
        }
        weightPartsReady = false;
        if (bias != null) {
            for (int t = 0; t < chunks; t++) {
                ops.map(ADD, null, args.of(bias.grad(), biasGrads[t]));
            }
        }
    }

    /**
     * {@code dW[co, ci, a, b] += G_t[(co, k - 1 - a, k - 1 - b), ci]} for each thread's part {@code t}
     * in order: the weight gradient that {@link #backwardChunk} computed from the flipped-kernel columns.
     */
    private void addFlippedParts() {
        int kernel = window.kernel();
        int kk = kernel * kernel;
        int cin = in.channels();
        int cout = out.channels();
        Tensor wg = weight.grad();
        for (int t = 0; t < chunks; t++) {
            Tensor part = flippedGrads[t];
            if (wg.dtype() == DType.F32) {
                float[] w = wg.floats();
                float[] g = part.floats();
                int wo = wg.offset();
                int go = part.offset();
                for (int co = 0; co < cout; co++) {
                    for (int ci = 0; ci < cin; ci++) {
                        int dst = wo + (co * cin + ci) * kk;
                        for (int e = 0; e < kk; e++) {
                            w[dst + e] += g[go + (co * kk + kk - 1 - e) * cin + ci];
                        }
                    }
                }
            } else {
                double[] w = wg.doubles();
                double[] g = part.doubles();
                int wo = wg.offset();
                int go = part.offset();
                for (int co = 0; co < cout; co++) {
                    for (int ci = 0; ci < cin; ci++) {
                        int dst = wo + (co * cin + ci) * kk;
                        for (int e = 0; e < kk; e++) {
                            w[dst + e] += g[go + (co * kk + kk - 1 - e) * cin + ci];
                        }
                    }
                }
            }
        }
    }

    private int from(int chunk) {
        return (int) ((long) batch * chunk / chunks);
    }

    private void flipWeight() {
        int kernel = window.kernel();
        int kk = kernel * kernel;
        Tensor w = weight.value();
        if (w.dtype() == DType.F32) { // the arrays directly: this runs on one thread before the parallel backward pass
            float[] src = w.floats();
            float[] dst = flipped.floats();
            int wo = w.offset();
            int fo = flipped.offset();
            for (int co = 0; co < out.channels(); co++) {
                for (int ci = 0; ci < in.channels(); ci++) {
                    int from = wo + (co * in.channels() + ci) * kk + kk - 1;
                    int to = fo + ci * out.channels() * kk + co * kk;
                    for (int e = 0; e < kk; e++) {
                        dst[to + e] = src[from - e];
                    }
                }
            }
            return;
        }
        for (int co = 0; co < out.channels(); co++) {
            for (int ci = 0; ci < in.channels(); ci++) {
                int src = (co * in.channels() + ci) * kk;
                int dst = ci * out.channels() * kk + co * kk;
                for (int e = 0; e < kk; e++) {
                    flipped.set(dst + e, w.get(src + kk - 1 - e));
                }
            }
        }
    }

    /** Whether the input gradient (and the weight gradient with it) runs on the direct kernels. */
    private boolean directBackward() {
        return direct != null && direct.backwardFits() && direct.gradWeightFits();
    }

    private void forwardChunk(int t) {
        int end = from(t + 1);
        for (int n0 = from(t); n0 < end; n0 += group) {
            int g = Math.min(group, end - n0);
            Tensor col = cols[t][g - 1];
            for (int s = 0; s < g; s++) {
                unfold.gather(x, (n0 + s) * in.size(), col, s);
            }
            if (g == 1 && bias == null) { // the product's layout is the sample's: no copy
                ops.gemm(false, false, 1.0, weightMatrix, col, 0.0, outViews.of(y, n0));
                continue;
            }
            Tensor plane = planes[t][g - 1];
            ops.gemm(false, false, 1.0, weightMatrix, col, 0.0, plane);
            for (int s = 0; s < g; s++) {
                Planes.store(plane, p, s, bias == null ? null : bias.value(), y, (n0 + s) * out.size());
            }
        }
    }

    /**
     * The input gradient and this thread's part of the weight gradient of its samples, in one pass. With
     * the flipped-kernel columns {@code D} of {@code dY} (the input gradient's im2col, stride 1), the
     * weight gradient needs no column matrix of the input: {@code dW[co, ci, a, b]} is
     * {@code sum over input pixels q of D[(co, k - 1 - a, k - 1 - b), q] x[ci, q]}, so {@code G_t += D xᵀ}
     * ({@code [out kh kw, in]}) and {@link #addFlippedParts} adds it into the weight gradient.
     * Otherwise {@code dY} is loaded once for both products.
     */
    private void backwardChunk(int t) {
        Tensor wg = transposed != null ? flippedGrads[t] : weightGrads[t];
        Tensor bg = biasGrads[t];
        wg.fill(0.0);
        bg.fill(0.0);
        int end = from(t + 1);
        for (int n0 = from(t); n0 < end; n0 += group) {
            int g = Math.min(group, end - n0);
            if (transposed != null) {
                Tensor col = backCols[t][g - 1];
                for (int s = 0; s < g; s++) {
                    transposed.gather(dy, (n0 + s) * out.size(), col, s);
                }
                Tensor xs;
                if (g == 1) { // the product's layout is the sample's: no copy
                    ops.gemm(false, false, 1.0, flipped, col, 0.0, inViews.of(dx, n0));
                    xs = inViews.of(x, n0);
                } else {
                    Tensor plane = backPlanes[t][g - 1];
                    ops.gemm(false, false, 1.0, flipped, col, 0.0, plane);
                    for (int s = 0; s < g; s++) {
                        Planes.store(plane, in.plane(), s, null, dx, (n0 + s) * in.size());
                    }
                    for (int s = 0; s < g; s++) {
                        Planes.load(x, (n0 + s) * in.size(), plane, in.plane(), s);
                    }
                    xs = plane;
                }
                ops.gemm(false, true, 1.0, col, xs, 1.0, wg);
                if (bias != null) {
                    Planes.addRowSums(dy, n0 * out.size(), g, out.channels(), p, bg);
                }
            } else {
                Tensor col = cols[t][g - 1];
                Tensor plane = gradPlane(t, g, n0);
                for (int s = 0; s < g; s++) {
                    unfold.gather(x, (n0 + s) * in.size(), col, s);
                }
                ops.gemm(false, true, 1.0, plane, col, 1.0, wg);
                if (bias != null) {
                    Planes.addRowSums(plane, bg);
                }
                ops.gemm(true, false, 1.0, weightMatrix, plane, 0.0, col);
                for (int s = 0; s < g; s++) {
                    unfold.scatter(col, s, dx, (n0 + s) * in.size());
                }
            }
        }
    }

    /**
     * A strided convolution on the direct kernels: the weight gradient there, the input gradient through im2col
     * ({@code dcol = Wᵀ dY}, folded back).
     */
    private void backwardStridedDirect(int t) {
        backwardDirect(t, false);
        int end = from(t + 1);
        for (int n0 = from(t); n0 < end; n0 += group) {
            int g = Math.min(group, end - n0);
            Tensor col = cols[t][g - 1];
            Tensor plane = gradPlane(t, g, n0);
            ops.gemm(true, false, 1.0, weightMatrix, plane, 0.0, col);
            for (int s = 0; s < g; s++) {
                unfold.scatter(col, s, dx, (n0 + s) * in.size());
            }
        }
    }

    /** The output gradient of samples {@code [n0, n0 + g)} as {@code [out, g OH OW]}: a view for one sample, else loaded side by side. */
    private Tensor gradPlane(int t, int g, int n0) {
        if (g == 1) {
            return outViews.of(dy, n0);
        }
        Tensor plane = planes[t][g - 1];
        for (int s = 0; s < g; s++) {
            Planes.load(dy, (n0 + s) * out.size(), plane, p, s);
        }
        return plane;
    }

    private void gradWeightChunk(int t) {
        Tensor wg = weightGrads[t];
        Tensor bg = biasGrads[t];
        wg.fill(0.0);
        bg.fill(0.0);
        int end = from(t + 1);
        for (int n0 = from(t); n0 < end; n0 += group) {
            int g = Math.min(group, end - n0);
            Tensor col = cols[t][g - 1];
            Tensor plane = gradPlane(t, g, n0);
            for (int s = 0; s < g; s++) {
                unfold.gather(x, (n0 + s) * in.size(), col, s);
            }
            ops.gemm(false, true, 1.0, plane, col, 1.0, wg);
            if (bias != null) {
                Planes.addRowSums(plane, bg);
            }
        }
    }

    /** The forward pass of this thread's samples on the direct kernel: pad, correlate onto the grid, copy out (with the bias). */
    private void forwardDirect(int t) {
        float[] xs = x.floats();
        float[] ys = y.floats();
        float[] padded = paddedIn[t];
        float[] grid = grids[t];
        float[] b = bias == null ? null : bias.value().floats();
        int bo = bias == null ? 0 : bias.value().offset();
        int end = from(t + 1);
        for (int n = from(t); n < end; n++) {
            direct.pad(xs, x.offset() + n * in.size(), in.channels(), padded, 0);
            direct.correlate(padded, 0, arranged, grid, 0);
            direct.extract(grid, 0, out.channels(), b, bo, ys, y.offset() + n * out.size());
        }
    }

    /**
     * This thread's part of the weight (and bias) gradient on the direct kernel, a block of samples at a time, and
     * with {@code inputGradient} the input gradient of each sample: the forward kernel on the padded output gradient
     * with the transposed, flipped weight.
     */
    private void backwardDirect(int t, boolean inputGradient) {
        Tensor wg = weightGrads[t];
        Tensor bg = biasGrads[t];
        wg.fill(0.0);
        bg.fill(0.0);
        float[] xs = x.floats();
        float[] dys = dy.floats();
        float[] padded = paddedIn[t];
        float[] gradRows = gradPixels[t];
        Arrays.fill(partials[t], 0f);
        int end = from(t + 1);
        for (int n0 = from(t); n0 < end; n0 += direct.samplesPerBlock) {
            int g = Math.min(direct.samplesPerBlock, end - n0);
            for (int s = 0; s < g; s++) {
                direct.pad(xs, x.offset() + (n0 + s) * in.size(), in.channels(), padded, s * direct.inStride);
                direct.toPixelRows(dys, dy.offset() + (n0 + s) * out.size(), gradRows, s * direct.pixelRowsStride());
                if (inputGradient) {
                    direct.pad(dys, dy.offset() + (n0 + s) * out.size(), out.channels(), paddedOut[t], 0);
                    direct.correlateTransposed(paddedOut[t], 0, arrangedTransposed, grids[t], 0);
                    direct.extract(grids[t], 0, in.channels(), null, 0, dx.floats(), dx.offset() + (n0 + s) * in.size());
                }
            }
            direct.gradWeight(padded, 0, gradRows, 0, g, partials[t]);
            if (bias != null) {
                Planes.addRowSums(dy, n0 * out.size(), g, out.channels(), p, bg);
            }
        }
        direct.addPartial(partials[t], wg.floats(), wg.offset());
    }
}
