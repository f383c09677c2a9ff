package io.gradlab.plugins.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A direct float32 convolution for stride-1 "same" convolutions (output as large as the input, {@code
 * dilation (kernel - 1) = 2 padding}: ResNet's 3x3 convolutions) and stride-2 ones without dilation (ResNet's
 * transitions and projections), with no column matrix: the kernels read the input's padded planes at shifted
 * offsets and keep a block of results in vector registers. At stride 2 the padded input is split into its four
 * phase planes ({@link #pad}), where kernel element {@code (i, j)} of output pixel {@code (oh, ow)} is plane
 * {@code (i mod 2, j mod 2)} at {@code (oh + i / 2, ow + j / 2)}: one flat offset per kernel element again, on
 * a grid whose rows are a phase plane's.
 *
 * <p><b>The grid.</b> A sample's input is copied into zero-padded planes of {@code (H + 2p) x (W + 2p)}
 * ({@link #pad}). Output pixel {@code (oh, ow)} is then grid position {@code q = oh (W + 2p) + ow}, and kernel
 * element {@code (i, j)} reads padded position {@code q + d (i (W + 2p) + j)}: one flat offset per kernel element,
 * the same for every output pixel.
 *
 * <p><b>Forward</b> ({@link #correlate}): vectors over grid positions. Eight output channels by two vectors of
 * positions, 16 accumulators; each input channel and kernel element is one load of two input vectors and eight
 * broadcast weights. The kernel runs over all positions {@code q < qp} (the grid's {@code H (W + 2p)} rounded up
 * to two vectors), so a row's last {@code 2p} positions and the rounding are computed and dropped ({@link
 * #extract}): 7% more work for 28x28 planes, 14% for 14x14, 31% for 7x7. The <b>input gradient</b> is the same
 * kernel on the output gradient's padded planes with the flipped, transposed weight ({@link #arrangeTransposed}).
 *
 * <p><b>Weight gradient</b> ({@link #gradWeight}): vectors over output channels. {@code dW[co, ci, e]} is the sum
 * over samples and pixels of {@code dY[p, co] x[ci, p + offset e]}, with the output gradient transposed to a row
 * of channels per pixel ({@link #toPixelRows}); 24 accumulators of output-channel vectors by input channels by
 * kernel elements, summed over a block of samples and then added into a per-thread partial weight gradient.
 * Vectors over positions would need a sum across lanes per weight and block; over channels the lanes are the
 * weights. With one vector of output channels (16 on AVX-512) a 3x3 kernel takes three pixels at a time ({@link
 * #gradWeightTriples}), so that each broadcast input value serves more than one multiply-add.
 *
 * <p>Every kernel is a single loop (over input channels and kernel elements, or over samples and pixels): C2
 * (JDK 17) boxes the vectors of accumulators that live across nested loops, which allocates on every iteration
 * and runs some 30 times slower. Every operation is a lane-wise load, broadcast, fused multiply-add, add or
 * store, or a scalar sum in a fixed order: the bits do not depend on whether the JIT has compiled the kernels
 * yet, only on the batch's split into the threads' parts. Until C2 compiles them the Vector API boxes every
 * vector, so the first calls of a fresh JVM are slow (about half a second for resnet-20's first stage) and
 * allocate.
 */
final class DirectConv {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector. */
    static final int LANES = SPECIES.length();
    /** Output channels per block of the forward kernel. */
    static final int BLOCK = 8;

    final int cin;
    final int cout;
    final int height;
    final int width;
    final int pad;
    /** 1, or 2 (the input in its four phase planes, {@link #pad}). */
    final int stride;
    final int outHeight;
    final int outWidth;
    /** The padded plane's width {@code W + 2p}. */
    final int wp;
    /** The grid's row length: {@code W + 2p}, or at stride 2 a phase plane's width {@code ceil((W + 2p) / 2)}. */
    final int pw;
    /** One padded plane, {@code (H + 2p) (W + 2p)}, or at stride 2 one phase plane. */
    final int plane;
    /** Planes per input channel: 1, or 4 phases at stride 2. */
    final int phases;
    /** Grid positions computed per channel: {@code OH pw} rounded up to two vectors. */
    final int qp;
    /** Kernel elements, {@code kernel^2}. */
    final int kk;
    /** Whether the weight gradient runs three pixels at a time ({@link #gradWeightTriples}). */
    private final boolean triples;
    /** Grid positions of {@link #gradWeightTriples}: {@code H (W + 2p)} rounded up to three. */
    private final int gridRows;
    /** Kernel elements in threes (the weight gradient's blocks; a last, partial one computes an element twice and drops it). */
    final int groups;
    /** Per kernel element {@code (i, j)}: its flat offset {@code d (i (W + 2p) + j)} on the padded planes. */
    final int[] offsets;
    /** Per input channel {@code ci} and kernel element {@code e}: {@code ci plane + offset e} (the forward kernel's reads). */
    private final int[] inputOffsets;
    /** The same per output channel (the input gradient's reads of the padded output gradient). */
    private final int[] outputOffsets;
    /** Floats of one sample's padded input (with room for the last vectors' reads past the last plane). */
    final int inStride;
    /** Floats of one sample's padded output gradient. */
    final int outStride;
    /** Samples per block of the weight gradient: their padded inputs and output gradients fill about 384 KB. */
    final int samplesPerBlock;

    /** Per weight-gradient kernel ({@link #kernel}): whether it has been warmed; index 4 is the forward kernel. */
    private static final java.util.concurrent.atomic.AtomicBoolean[] WARM = {
        new java.util.concurrent.atomic.AtomicBoolean(), new java.util.concurrent.atomic.AtomicBoolean(),
        new java.util.concurrent.atomic.AtomicBoolean(), new java.util.concurrent.atomic.AtomicBoolean(),
        new java.util.concurrent.atomic.AtomicBoolean()};

    /** Which weight-gradient kernel runs: 0 {@link #gradWeight1}, 1 {@link #gradWeightTriples}, 2 {@link #gradWeight2}, 3 {@link #gradWeight4}. */
    private int kernel() {
        int vectors = cout / LANES;
        return vectors % 4 == 0 ? 3 : vectors % 2 == 0 ? 2 : triples ? 1 : 0;
    }

    /**
     * Runs the forward kernel and this convolution's weight-gradient kernel on small scratch problems until a batch
     * of calls allocates nothing, that is until C2 has compiled them (at most 20 seconds); each kernel once per JVM,
     * on the caller's thread. A layer calls it when it is built, so that its first training step does not run the
     * kernels boxed: resnet-20's first epoch took about 8 seconds longer without it, and warming its four kernels
     * takes about 2. The results do not depend on it (see the class comment), only the time to the first step.
     */
    void warmUp() {
        long start = System.nanoTime();
        ImageShape in = new ImageShape(8, 4, 4);
        int k = gradWeightFits() ? kernel() : -1;
        DirectConv[] scratch = {
            new DirectConv(in, LANES, new Window(5, 1, 2, 1)),
            new DirectConv(in, LANES, new Window(3, 1, 1, 1)),
            new DirectConv(in, 2 * LANES, new Window(3, 1, 1, 1)),
            new DirectConv(in, 4 * LANES, new Window(3, 1, 1, 1))};
        boolean forward = WARM[4].compareAndSet(false, true);
        boolean backward = k >= 0 && WARM[k].compareAndSet(false, true);
        if (!forward && !backward) {
            return;
        }
        DirectConv c = scratch[Math.max(k, 0)];
        float[] x = new float[c.inStride];
        float[] wt = new float[c.arrangedSize()];
        float[] grid = new float[Math.max(c.cin, c.cout) * c.qp];
        float[] rows = new float[c.pixelRowsStride()];
        float[] part = new float[c.partialSize()];
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean mx = bean instanceof com.sun.management.ThreadMXBean m && m.isThreadAllocatedMemorySupported()
                && m.isThreadAllocatedMemoryEnabled() ? m : null;
        long deadline = start + 20_000_000_000L;
        int quiet = 0;
        for (int batch = 0; quiet < 3 && System.nanoTime() < deadline; batch++) {
            long before = mx == null ? 0 : mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100; i++) {
                if (forward) {
                    c.correlate(x, 0, wt, grid, 0);
                }
                if (backward) {
                    c.gradWeight(x, 0, rows, 0, 1, part);
                }
            }
            long allocated = mx == null ? (batch < 100 ? 1 : 0) : mx.getCurrentThreadAllocatedBytes() - before;
            quiet = allocated == 0 ? quiet + 1 : 0;
        }
        System.getLogger(DirectConv.class.getName()).log(System.Logger.Level.DEBUG,
                "direct convolution kernels warm after " + (System.nanoTime() - start) / 1_000_000 + " ms");
    }

    /** Whether this JVM's vectors are wide enough for the kernels to beat the matrix products (8 floats or more). */
    static boolean worthIt() {
        return LANES >= 8;
    }

    /** Whether a convolution of this shape runs here: float32 is checked by the caller. */
    static boolean fits(ImageShape in, int outChannels, Window window) {
        boolean same = window.stride() == 1 && window.dilation() * (window.kernel() - 1) == 2 * window.padding();
        boolean halving = window.stride() == 2 && window.dilation() == 1;
        // a 1x1 kernel is a plain matrix product already (at stride 2 of the even-even phase): im2col ran it faster
        return (same || halving) && window.kernel() > 1 && outChannels % BLOCK == 0 && worthIt();
    }

    DirectConv(ImageShape in, int outChannels, Window window) {
        this.cin = in.channels();
        this.cout = outChannels;
        this.height = in.height();
        this.width = in.width();
        this.pad = window.padding();
        this.stride = window.stride();
        ImageShape out = window.output(in, outChannels, "direct", "conv2d");
        this.outHeight = out.height();
        this.outWidth = out.width();
        this.wp = width + 2 * pad;
        int hp = height + 2 * pad;
        this.pw = stride == 1 ? wp : (wp + 1) / 2;
        this.plane = stride == 1 ? hp * wp : (hp + 1) / 2 * pw;
        this.phases = stride * stride;
        this.qp = roundUp(outHeight * pw, 2 * LANES);
        this.kk = window.kernel() * window.kernel();
        this.groups = (kk + 2) / 3;
        this.offsets = new int[kk];
        for (int i = 0; i < window.kernel(); i++) {
            for (int j = 0; j < window.kernel(); j++) {
                offsets[i * window.kernel() + j] = stride == 1 ? window.dilation() * (i * wp + j)
                        : ((i % 2) * 2 + j % 2) * plane + (i / 2) * pw + j / 2; // phase plane (i mod 2, j mod 2), shifted
            }
        }
        this.inputOffsets = channelOffsets(cin, phases * plane);
        this.outputOffsets = channelOffsets(cout, plane);
        this.triples = stride == 1 && window.kernel() == 3 && window.dilation() == 1 && (outChannels / LANES) % 2 != 0;
        this.gridRows = roundUp(outHeight * pw, 3);
        this.inStride = roundUp(Math.max(cin * phases * plane, last(inputOffsets) + qp + 8), LANES);
        this.outStride = roundUp(Math.max(cout * plane, last(outputOffsets) + qp + 8), LANES);
        this.samplesPerBlock = Math.max(1, Math.min(32, 384 * 1024 / (4 * (inStride + outHeight * outWidth * outChannels))));
    }

    private int[] channelOffsets(int channels, int perChannel) {
        int[] all = new int[channels * kk];
        for (int c = 0; c < channels; c++) {
            for (int e = 0; e < kk; e++) {
                all[c * kk + e] = c * perChannel + offsets[e];
            }
        }
        return all;
    }

    private static int last(int[] offsets) {
        int max = 0;
        for (int o : offsets) {
            max = Math.max(max, o);
        }
        return max;
    }

    private static int roundUp(int n, int m) {
        return (n + m - 1) / m * m;
    }

    /** Whether the input gradient runs here too: its convolution has {@code cin} output channels. */
    boolean backwardFits() {
        return stride == 1 && cin % BLOCK == 0;
    }

    /** Floats of the forward weight in kernel order, {@link #arrangeForward}. */
    int arrangedSize() {
        return cout * cin * kk;
    }

    /**
     * The weight {@code [out, in, kh, kw]} in the forward kernel's order: per block of eight output channels,
     * per input channel and kernel element, the block's eight weights side by side.
     */
    void arrangeForward(float[] w, int wo, float[] dst) {
        int i = 0;
        for (int b = 0; b < cout; b += BLOCK) {
            for (int ci = 0; ci < cin; ci++) {
                for (int e = 0; e < kk; e++) {
                    for (int c = 0; c < BLOCK; c++) {
                        dst[i++] = w[wo + ((b + c) * cin + ci) * kk + e];
                    }
                }
            }
        }
    }

    /**
     * The weight of the input gradient's convolution in the forward kernel's order: {@code cin} output
     * channels, {@code cout} input channels, the kernel flipped ({@code W[co, ci, k - 1 - i, k - 1 - j]}).
     */
    void arrangeTransposed(float[] w, int wo, float[] dst) {
        int i = 0;
        for (int b = 0; b < cin; b += BLOCK) {
            for (int co = 0; co < cout; co++) {
                for (int e = 0; e < kk; e++) {
                    for (int c = 0; c < BLOCK; c++) {
                        dst[i++] = w[wo + (co * cin + b + c) * kk + kk - 1 - e];
                    }
                }
            }
        }
    }

    /** Copies {@code channels} planes of {@code H x W} at {@code src[so]} into the interior of padded planes at {@code dst[dso]}. */
    void pad(float[] src, int so, int channels, float[] dst, int dso) {
        if (stride == 2) {
            phaseSplit(src, so, channels, dst, dso);
            return;
        }
        for (int c = 0; c < channels; c++) {
            int from = so + c * height * width;
            int to = dso + c * plane + pad * wp + pad;
            for (int r = 0; r < height; r++) {
                System.arraycopy(src, from + r * width, dst, to + r * wp, width);
            }
        }
    }

    /**
     * At stride 2: padded input position {@code (y, x)} of channel {@code c} goes to phase plane {@code (y mod 2, x mod 2)}
     * at {@code (y / 2, x / 2)}, so that output pixel {@code (oh, ow)}'s kernel element {@code (i, j)} is one flat
     * offset from grid position {@code oh pw + ow} as at stride 1. Positions in the padding stay zero.
     */
    private void phaseSplit(float[] src, int so, int channels, float[] dst, int dso) {
        for (int c = 0; c < channels; c++) {
            int from = so + c * height * width;
            int base = dso + c * 4 * plane;
            for (int r = 0; r < height; r++) {
                int y = r + pad;
                int rowBase = base + (y % 2) * 2 * plane + (y / 2) * pw;
                int f = from + r * width;
                for (int i = 0; i < width; i++) {
                    int x = i + pad;
                    dst[rowBase + (x % 2) * plane + x / 2] = src[f + i];
                }
            }
        }
    }

    /** {@code dst[c, oh, ow] = grid[c, oh (W + 2p) + ow] + bias[c]} for {@code channels} planes ({@code bias} may be {@code null}). */
    void extract(float[] grid, int go, int channels, float[] bias, int bo, float[] dst, int dso) {
        for (int c = 0; c < channels; c++) {
            int from = go + c * qp;
            int to = dso + c * outHeight * outWidth;
            if (bias == null) {
                for (int r = 0; r < outHeight; r++) {
                    System.arraycopy(grid, from + r * pw, dst, to + r * outWidth, outWidth);
                }
            } else {
                float b = bias[bo + c];
                for (int r = 0; r < outHeight; r++) {
                    int f = from + r * pw;
                    int t = to + r * outWidth;
                    for (int i = 0; i < outWidth; i++) {
                        dst[t + i] = grid[f + i] + b;
                    }
                }
            }
        }
    }

    /**
     * The forward pass of one sample: {@code out[co, q] = sum over ci, e of w[co, ci, e] x[ci, q + offset e]} for
     * {@code co < cout} and {@code q < qp}: {@code x} holds the sample's padded input ({@link #pad}) at {@code xo},
     * {@code wt} the weight in {@link #arrangeForward} order, {@code out} the grid ({@code cout x qp}) at {@code oo}.
     */
    void correlate(float[] x, int xo, float[] wt, float[] out, int oo) {
        correlate(x, xo, inputOffsets, cin * kk, wt, cout, out, oo);
    }

    /**
     * The input gradient's correlation at stride 1: {@link #correlate} of the padded output gradient ({@code cout}
     * planes) with the weight in {@link #arrangeTransposed} order, onto a grid of {@code cin x qp}.
     */
    void correlateTransposed(float[] dy, int dyo, float[] wt, float[] out, int oo) {
        correlate(dy, dyo, outputOffsets, cout * kk, wt, cin, out, oo);
    }

    /**
     * The kernel of both: {@code n} reads per output position at the offsets {@code offs} (per input plane and
     * kernel element), passed in rather than chosen here, so that the kernel has no branch the warm-up never took.
     */
    private void correlate(float[] x, int xo, int[] offs, int n, float[] wt, int outs, float[] out, int oo) {
        int step = 2 * LANES;
        for (int b = 0; b < outs; b += BLOCK) {
            int wb = b * n;
            for (int q = 0; q < qp; q += step) {
                FloatVector a0 = FloatVector.zero(SPECIES);
                FloatVector a1 = a0;
                FloatVector a2 = a0;
                FloatVector a3 = a0;
                FloatVector a4 = a0;
                FloatVector a5 = a0;
                FloatVector a6 = a0;
                FloatVector a7 = a0;
                FloatVector c0 = a0;
                FloatVector c1 = a0;
                FloatVector c2 = a0;
                FloatVector c3 = a0;
                FloatVector c4 = a0;
                FloatVector c5 = a0;
                FloatVector c6 = a0;
                FloatVector c7 = a0;
                int wi = wb;
                int base = xo + q;
                for (int e = 0; e < n; e++) { // one loop over input channels and kernel elements: C2 keeps the vectors of a single loop unboxed
                    int at = base + offs[e];
                        FloatVector x0 = FloatVector.fromArray(SPECIES, x, at);
                        FloatVector x1 = FloatVector.fromArray(SPECIES, x, at + LANES);
                        FloatVector w = FloatVector.broadcast(SPECIES, wt[wi]);
                        a0 = w.fma(x0, a0);
                        c0 = w.fma(x1, c0);
                        w = FloatVector.broadcast(SPECIES, wt[wi + 1]);
                        a1 = w.fma(x0, a1);
                        c1 = w.fma(x1, c1);
                        w = FloatVector.broadcast(SPECIES, wt[wi + 2]);
                        a2 = w.fma(x0, a2);
                        c2 = w.fma(x1, c2);
                        w = FloatVector.broadcast(SPECIES, wt[wi + 3]);
                        a3 = w.fma(x0, a3);
                        c3 = w.fma(x1, c3);
                        w = FloatVector.broadcast(SPECIES, wt[wi + 4]);
                        a4 = w.fma(x0, a4);
                        c4 = w.fma(x1, c4);
                        w = FloatVector.broadcast(SPECIES, wt[wi + 5]);
                        a5 = w.fma(x0, a5);
                        c5 = w.fma(x1, c5);
                        w = FloatVector.broadcast(SPECIES, wt[wi + 6]);
                        a6 = w.fma(x0, a6);
                        c6 = w.fma(x1, c6);
                        w = FloatVector.broadcast(SPECIES, wt[wi + 7]);
                        a7 = w.fma(x0, a7);
                        c7 = w.fma(x1, c7);
                    wi += BLOCK;
                }
                int o = oo + b * qp + q;
                a0.intoArray(out, o);
                c0.intoArray(out, o + LANES);
                o += qp;
                a1.intoArray(out, o);
                c1.intoArray(out, o + LANES);
                o += qp;
                a2.intoArray(out, o);
                c2.intoArray(out, o + LANES);
                o += qp;
                a3.intoArray(out, o);
                c3.intoArray(out, o + LANES);
                o += qp;
                a4.intoArray(out, o);
                c4.intoArray(out, o + LANES);
                o += qp;
                a5.intoArray(out, o);
                c5.intoArray(out, o + LANES);
                o += qp;
                a6.intoArray(out, o);
                c6.intoArray(out, o + LANES);
                o += qp;
                a7.intoArray(out, o);
                c7.intoArray(out, o + LANES);
            }
        }
    }

    /** Floats of one sample's output gradient with pixels as rows ({@link #toPixelRows}). */
    int pixelRowsStride() {
        return triples ? gridRows * cout : outHeight * outWidth * cout;
    }

    /**
     * Floats of the weight gradient's partial sums ({@link #gradWeight}): the weight, transposed, then a sink of four
     * vectors where the kernels add the accumulators of input channels or kernel elements past the last.
     */
    int partialSize() {
        return cin * kk * cout + 4 * LANES;
    }

    /**
     * {@code index}, or {@code sink} when {@code over} is negative (an input channel or kernel element past the last),
     * without a branch: the kernels write every accumulator, so that no branch the warm-up never took (a first layer's
     * single input channel, a 5x5 kernel's last group of three, which has one element) makes C2 throw their code away.
     */
    private static int target(int index, int over, int sink) {
        return index + (over >>> 31) * (sink - index);
    }

    /** Whether the weight gradient runs here: whole vectors of output channels. */
    boolean gradWeightFits() {
        return cout % LANES == 0;
    }

    /**
     * One sample's output gradient with a row of channels per pixel: {@code dst[dso + p cout + c] = src[so + c H W + p]};
     * for {@link #gradWeightTriples} a row per grid position instead ({@code p = oh (W + 2p) + ow}), the dropped
     * positions' rows left as they are (zero).
     */
    void toPixelRows(float[] src, int so, float[] dst, int dso) {
        int pixels = outHeight * outWidth;
        int rowStride = triples ? pw : outWidth;
        for (int r = 0; r < outHeight; r++) { // a row of pixels at a time, so that the rows being filled stay in L1
            for (int c = 0; c < cout; c++) {
                int to = dso + r * rowStride * cout + c;
                int f = so + c * pixels + r * outWidth;
                for (int i = 0; i < outWidth; i++) {
                    dst[to + i * cout] = src[f + i];
                }
            }
        }
    }

    /**
     * Adds to {@code part} ({@link #partialSize} floats, {@code [in, kh kw, out]}) the weight gradient of a block of
     * samples: {@code part[ci, e, co] += sum over samples s < samples and pixels p of g[s, p, co] x[s, ci, p + offset e]}
     * (the pixel's grid position). {@code x} holds the samples' padded inputs ({@link #inStride} apart) at {@code xo},
     * {@code g} their output gradients with pixels as rows ({@link #toPixelRows}, {@link #pixelRowsStride} apart) at
     * {@code go}. The vectors run over output channels: each pixel is one load of the output channels' vectors and
     * one broadcast input value per input channel and kernel element, 24 accumulators (per vector of output channels,
     * input channel and kernel element), each a sum over the block added into {@code part} (so that no float sum runs
     * over more than a block's pixels). Input channels or
     * kernel elements past the last of a block are computed again and not written back.
     */
    void gradWeight(float[] x, int xo, float[] g, int go, int samples, float[] part) {
        java.util.Arrays.fill(part, cin * kk * cout, cin * kk * cout + 4 * LANES, 0f); // the sink: keep its garbage small
        switch (kernel()) {
            case 3 -> gradWeight4(x, xo, g, go, samples, part);
            case 2 -> gradWeight2(x, xo, g, go, samples, part);
            case 1 -> gradWeightTriples(x, xo, g, go, samples, part);
            default -> gradWeight1(x, xo, g, go, samples, part);
        }
    }

    /** {@code dw[co, ci, e] += part[ci, e, co]}: a thread's partial sums into the weight gradient {@code [out, in, kh, kw]}. */
    void addPartial(float[] part, float[] dw, int dwo) {
        for (int co = 0; co < cout; co++) {
            for (int ci = 0; ci < cin; ci++) {
                for (int e = 0; e < kk; e++) {
                    dw[dwo + (co * cin + ci) * kk + e] += part[(ci * kk + e) * cout + co];
                }
            }
        }
    }

    /** {@link #gradWeight} with 1 vector of output channels by 8 input channels by three kernel elements. */
    private void gradWeight1(float[] x, int xo, float[] g, int go, int samples, float[] part) {
        int iterations = samples * outHeight * outWidth;
        int rowSkip = pw - outWidth;
        int sampleSkip = inStride - outHeight * pw;
        int sink = cin * kk * cout;
        for (int cv = 0; cv < cout; cv += 1 * LANES) {
            for (int ci = 0; ci < cin; ci += 8) {
                int c0 = ci;
                int c1 = Math.min(ci + 1, cin - 1);
                int c2 = Math.min(ci + 2, cin - 1);
                int c3 = Math.min(ci + 3, cin - 1);
                int c4 = Math.min(ci + 4, cin - 1);
                int c5 = Math.min(ci + 5, cin - 1);
                int c6 = Math.min(ci + 6, cin - 1);
                int c7 = Math.min(ci + 7, cin - 1);
                for (int e = 0; e < kk; e += 3) {
                    int e0 = e;
                    int e1 = Math.min(e + 1, kk - 1);
                    int e2 = Math.min(e + 2, kk - 1);
                    int x00 = inputOffsets[c0 * kk + e0];
                    int p00 = (c0 * kk + e0) * cout + cv;
                    int x01 = inputOffsets[c0 * kk + e1];
                    int p01 = target((c0 * kk + e1) * cout + cv, (cin - 1 - ci - 0) | (kk - 1 - e - 1), sink);
                    int x02 = inputOffsets[c0 * kk + e2];
                    int p02 = target((c0 * kk + e2) * cout + cv, (cin - 1 - ci - 0) | (kk - 1 - e - 2), sink);
                    int x10 = inputOffsets[c1 * kk + e0];
                    int p10 = target((c1 * kk + e0) * cout + cv, (cin - 1 - ci - 1) | (kk - 1 - e - 0), sink);
                    int x11 = inputOffsets[c1 * kk + e1];
                    int p11 = target((c1 * kk + e1) * cout + cv, (cin - 1 - ci - 1) | (kk - 1 - e - 1), sink);
                    int x12 = inputOffsets[c1 * kk + e2];
                    int p12 = target((c1 * kk + e2) * cout + cv, (cin - 1 - ci - 1) | (kk - 1 - e - 2), sink);
                    int x20 = inputOffsets[c2 * kk + e0];
                    int p20 = target((c2 * kk + e0) * cout + cv, (cin - 1 - ci - 2) | (kk - 1 - e - 0), sink);
                    int x21 = inputOffsets[c2 * kk + e1];
                    int p21 = target((c2 * kk + e1) * cout + cv, (cin - 1 - ci - 2) | (kk - 1 - e - 1), sink);
                    int x22 = inputOffsets[c2 * kk + e2];
                    int p22 = target((c2 * kk + e2) * cout + cv, (cin - 1 - ci - 2) | (kk - 1 - e - 2), sink);
                    int x30 = inputOffsets[c3 * kk + e0];
                    int p30 = target((c3 * kk + e0) * cout + cv, (cin - 1 - ci - 3) | (kk - 1 - e - 0), sink);
                    int x31 = inputOffsets[c3 * kk + e1];
                    int p31 = target((c3 * kk + e1) * cout + cv, (cin - 1 - ci - 3) | (kk - 1 - e - 1), sink);
                    int x32 = inputOffsets[c3 * kk + e2];
                    int p32 = target((c3 * kk + e2) * cout + cv, (cin - 1 - ci - 3) | (kk - 1 - e - 2), sink);
                    int x40 = inputOffsets[c4 * kk + e0];
                    int p40 = target((c4 * kk + e0) * cout + cv, (cin - 1 - ci - 4) | (kk - 1 - e - 0), sink);
                    int x41 = inputOffsets[c4 * kk + e1];
                    int p41 = target((c4 * kk + e1) * cout + cv, (cin - 1 - ci - 4) | (kk - 1 - e - 1), sink);
                    int x42 = inputOffsets[c4 * kk + e2];
                    int p42 = target((c4 * kk + e2) * cout + cv, (cin - 1 - ci - 4) | (kk - 1 - e - 2), sink);
                    int x50 = inputOffsets[c5 * kk + e0];
                    int p50 = target((c5 * kk + e0) * cout + cv, (cin - 1 - ci - 5) | (kk - 1 - e - 0), sink);
                    int x51 = inputOffsets[c5 * kk + e1];
                    int p51 = target((c5 * kk + e1) * cout + cv, (cin - 1 - ci - 5) | (kk - 1 - e - 1), sink);
                    int x52 = inputOffsets[c5 * kk + e2];
                    int p52 = target((c5 * kk + e2) * cout + cv, (cin - 1 - ci - 5) | (kk - 1 - e - 2), sink);
                    int x60 = inputOffsets[c6 * kk + e0];
                    int p60 = target((c6 * kk + e0) * cout + cv, (cin - 1 - ci - 6) | (kk - 1 - e - 0), sink);
                    int x61 = inputOffsets[c6 * kk + e1];
                    int p61 = target((c6 * kk + e1) * cout + cv, (cin - 1 - ci - 6) | (kk - 1 - e - 1), sink);
                    int x62 = inputOffsets[c6 * kk + e2];
                    int p62 = target((c6 * kk + e2) * cout + cv, (cin - 1 - ci - 6) | (kk - 1 - e - 2), sink);
                    int x70 = inputOffsets[c7 * kk + e0];
                    int p70 = target((c7 * kk + e0) * cout + cv, (cin - 1 - ci - 7) | (kk - 1 - e - 0), sink);
                    int x71 = inputOffsets[c7 * kk + e1];
                    int p71 = target((c7 * kk + e1) * cout + cv, (cin - 1 - ci - 7) | (kk - 1 - e - 1), sink);
                    int x72 = inputOffsets[c7 * kk + e2];
                    int p72 = target((c7 * kk + e2) * cout + cv, (cin - 1 - ci - 7) | (kk - 1 - e - 2), sink);
                    FloatVector a000 = FloatVector.zero(SPECIES);
                    FloatVector a010 = FloatVector.zero(SPECIES);
                    FloatVector a020 = FloatVector.zero(SPECIES);
                    FloatVector a100 = FloatVector.zero(SPECIES);
                    FloatVector a110 = FloatVector.zero(SPECIES);
                    FloatVector a120 = FloatVector.zero(SPECIES);
                    FloatVector a200 = FloatVector.zero(SPECIES);
                    FloatVector a210 = FloatVector.zero(SPECIES);
                    FloatVector a220 = FloatVector.zero(SPECIES);
                    FloatVector a300 = FloatVector.zero(SPECIES);
                    FloatVector a310 = FloatVector.zero(SPECIES);
                    FloatVector a320 = FloatVector.zero(SPECIES);
                    FloatVector a400 = FloatVector.zero(SPECIES);
                    FloatVector a410 = FloatVector.zero(SPECIES);
                    FloatVector a420 = FloatVector.zero(SPECIES);
                    FloatVector a500 = FloatVector.zero(SPECIES);
                    FloatVector a510 = FloatVector.zero(SPECIES);
                    FloatVector a520 = FloatVector.zero(SPECIES);
                    FloatVector a600 = FloatVector.zero(SPECIES);
                    FloatVector a610 = FloatVector.zero(SPECIES);
                    FloatVector a620 = FloatVector.zero(SPECIES);
                    FloatVector a700 = FloatVector.zero(SPECIES);
                    FloatVector a710 = FloatVector.zero(SPECIES);
                    FloatVector a720 = FloatVector.zero(SPECIES);
                    int xq = xo;
                    int gp = go + cv;
                    int col = 0;
                    int row = 0;
                    for (int it = iterations; it > 0; it--) { // one loop over samples and pixels: C2 keeps the vectors of a single loop unboxed
                        FloatVector g0 = FloatVector.fromArray(SPECIES, g, gp);
                        FloatVector s00 = FloatVector.broadcast(SPECIES, x[xq + x00]);
                        a000 = s00.fma(g0, a000);
                        FloatVector s01 = FloatVector.broadcast(SPECIES, x[xq + x01]);
                        a010 = s01.fma(g0, a010);
                        FloatVector s02 = FloatVector.broadcast(SPECIES, x[xq + x02]);
                        a020 = s02.fma(g0, a020);
                        FloatVector s10 = FloatVector.broadcast(SPECIES, x[xq + x10]);
                        a100 = s10.fma(g0, a100);
                        FloatVector s11 = FloatVector.broadcast(SPECIES, x[xq + x11]);
                        a110 = s11.fma(g0, a110);
                        FloatVector s12 = FloatVector.broadcast(SPECIES, x[xq + x12]);
                        a120 = s12.fma(g0, a120);
                        FloatVector s20 = FloatVector.broadcast(SPECIES, x[xq + x20]);
                        a200 = s20.fma(g0, a200);
                        FloatVector s21 = FloatVector.broadcast(SPECIES, x[xq + x21]);
                        a210 = s21.fma(g0, a210);
                        FloatVector s22 = FloatVector.broadcast(SPECIES, x[xq + x22]);
                        a220 = s22.fma(g0, a220);
                        FloatVector s30 = FloatVector.broadcast(SPECIES, x[xq + x30]);
                        a300 = s30.fma(g0, a300);
                        FloatVector s31 = FloatVector.broadcast(SPECIES, x[xq + x31]);
                        a310 = s31.fma(g0, a310);
                        FloatVector s32 = FloatVector.broadcast(SPECIES, x[xq + x32]);
                        a320 = s32.fma(g0, a320);
                        FloatVector s40 = FloatVector.broadcast(SPECIES, x[xq + x40]);
                        a400 = s40.fma(g0, a400);
                        FloatVector s41 = FloatVector.broadcast(SPECIES, x[xq + x41]);
                        a410 = s41.fma(g0, a410);
                        FloatVector s42 = FloatVector.broadcast(SPECIES, x[xq + x42]);
                        a420 = s42.fma(g0, a420);
                        FloatVector s50 = FloatVector.broadcast(SPECIES, x[xq + x50]);
                        a500 = s50.fma(g0, a500);
                        FloatVector s51 = FloatVector.broadcast(SPECIES, x[xq + x51]);
                        a510 = s51.fma(g0, a510);
                        FloatVector s52 = FloatVector.broadcast(SPECIES, x[xq + x52]);
                        a520 = s52.fma(g0, a520);
                        FloatVector s60 = FloatVector.broadcast(SPECIES, x[xq + x60]);
                        a600 = s60.fma(g0, a600);
                        FloatVector s61 = FloatVector.broadcast(SPECIES, x[xq + x61]);
                        a610 = s61.fma(g0, a610);
                        FloatVector s62 = FloatVector.broadcast(SPECIES, x[xq + x62]);
                        a620 = s62.fma(g0, a620);
                        FloatVector s70 = FloatVector.broadcast(SPECIES, x[xq + x70]);
                        a700 = s70.fma(g0, a700);
                        FloatVector s71 = FloatVector.broadcast(SPECIES, x[xq + x71]);
                        a710 = s71.fma(g0, a710);
                        FloatVector s72 = FloatVector.broadcast(SPECIES, x[xq + x72]);
                        a720 = s72.fma(g0, a720);
                        gp += cout;
                        xq++;
                        if (++col == outWidth) {
                            col = 0;
                            xq += rowSkip;
                            if (++row == outHeight) {
                                row = 0;
                                xq += sampleSkip;
                            }
                        }
                    }
                    a000.add(FloatVector.fromArray(SPECIES, part, p00)).intoArray(part, p00);
                    a010.add(FloatVector.fromArray(SPECIES, part, p01)).intoArray(part, p01);
                    a020.add(FloatVector.fromArray(SPECIES, part, p02)).intoArray(part, p02);
                    a100.add(FloatVector.fromArray(SPECIES, part, p10)).intoArray(part, p10);
                    a110.add(FloatVector.fromArray(SPECIES, part, p11)).intoArray(part, p11);
                    a120.add(FloatVector.fromArray(SPECIES, part, p12)).intoArray(part, p12);
                    a200.add(FloatVector.fromArray(SPECIES, part, p20)).intoArray(part, p20);
                    a210.add(FloatVector.fromArray(SPECIES, part, p21)).intoArray(part, p21);
                    a220.add(FloatVector.fromArray(SPECIES, part, p22)).intoArray(part, p22);
                    a300.add(FloatVector.fromArray(SPECIES, part, p30)).intoArray(part, p30);
                    a310.add(FloatVector.fromArray(SPECIES, part, p31)).intoArray(part, p31);
                    a320.add(FloatVector.fromArray(SPECIES, part, p32)).intoArray(part, p32);
                    a400.add(FloatVector.fromArray(SPECIES, part, p40)).intoArray(part, p40);
                    a410.add(FloatVector.fromArray(SPECIES, part, p41)).intoArray(part, p41);
                    a420.add(FloatVector.fromArray(SPECIES, part, p42)).intoArray(part, p42);
                    a500.add(FloatVector.fromArray(SPECIES, part, p50)).intoArray(part, p50);
                    a510.add(FloatVector.fromArray(SPECIES, part, p51)).intoArray(part, p51);
                    a520.add(FloatVector.fromArray(SPECIES, part, p52)).intoArray(part, p52);
                    a600.add(FloatVector.fromArray(SPECIES, part, p60)).intoArray(part, p60);
                    a610.add(FloatVector.fromArray(SPECIES, part, p61)).intoArray(part, p61);
                    a620.add(FloatVector.fromArray(SPECIES, part, p62)).intoArray(part, p62);
                    a700.add(FloatVector.fromArray(SPECIES, part, p70)).intoArray(part, p70);
                    a710.add(FloatVector.fromArray(SPECIES, part, p71)).intoArray(part, p71);
                    a720.add(FloatVector.fromArray(SPECIES, part, p72)).intoArray(part, p72);
                }
            }
        }
    }

    /** {@link #gradWeight} with 2 vectors of output channels by 4 input channels by three kernel elements. */
    private void gradWeight2(float[] x, int xo, float[] g, int go, int samples, float[] part) {
        int iterations = samples * outHeight * outWidth;
        int rowSkip = pw - outWidth;
        int sampleSkip = inStride - outHeight * pw;
        int sink = cin * kk * cout;
        for (int cv = 0; cv < cout; cv += 2 * LANES) {
            for (int ci = 0; ci < cin; ci += 4) {
                int c0 = ci;
                int c1 = Math.min(ci + 1, cin - 1);
                int c2 = Math.min(ci + 2, cin - 1);
                int c3 = Math.min(ci + 3, cin - 1);
                for (int e = 0; e < kk; e += 3) {
                    int e0 = e;
                    int e1 = Math.min(e + 1, kk - 1);
                    int e2 = Math.min(e + 2, kk - 1);
                    int x00 = inputOffsets[c0 * kk + e0];
                    int p00 = (c0 * kk + e0) * cout + cv;
                    int x01 = inputOffsets[c0 * kk + e1];
                    int p01 = target((c0 * kk + e1) * cout + cv, (cin - 1 - ci - 0) | (kk - 1 - e - 1), sink);
                    int x02 = inputOffsets[c0 * kk + e2];
                    int p02 = target((c0 * kk + e2) * cout + cv, (cin - 1 - ci - 0) | (kk - 1 - e - 2), sink);
                    int x10 = inputOffsets[c1 * kk + e0];
                    int p10 = target((c1 * kk + e0) * cout + cv, (cin - 1 - ci - 1) | (kk - 1 - e - 0), sink);
                    int x11 = inputOffsets[c1 * kk + e1];
                    int p11 = target((c1 * kk + e1) * cout + cv, (cin - 1 - ci - 1) | (kk - 1 - e - 1), sink);
                    int x12 = inputOffsets[c1 * kk + e2];
                    int p12 = target((c1 * kk + e2) * cout + cv, (cin - 1 - ci - 1) | (kk - 1 - e - 2), sink);
                    int x20 = inputOffsets[c2 * kk + e0];
                    int p20 = target((c2 * kk + e0) * cout + cv, (cin - 1 - ci - 2) | (kk - 1 - e - 0), sink);
                    int x21 = inputOffsets[c2 * kk + e1];
                    int p21 = target((c2 * kk + e1) * cout + cv, (cin - 1 - ci - 2) | (kk - 1 - e - 1), sink);
                    int x22 = inputOffsets[c2 * kk + e2];
                    int p22 = target((c2 * kk + e2) * cout + cv, (cin - 1 - ci - 2) | (kk - 1 - e - 2), sink);
                    int x30 = inputOffsets[c3 * kk + e0];
                    int p30 = target((c3 * kk + e0) * cout + cv, (cin - 1 - ci - 3) | (kk - 1 - e - 0), sink);
                    int x31 = inputOffsets[c3 * kk + e1];
                    int p31 = target((c3 * kk + e1) * cout + cv, (cin - 1 - ci - 3) | (kk - 1 - e - 1), sink);
                    int x32 = inputOffsets[c3 * kk + e2];
                    int p32 = target((c3 * kk + e2) * cout + cv, (cin - 1 - ci - 3) | (kk - 1 - e - 2), sink);
                    FloatVector a000 = FloatVector.zero(SPECIES);
                    FloatVector a001 = FloatVector.zero(SPECIES);
                    FloatVector a010 = FloatVector.zero(SPECIES);
                    FloatVector a011 = FloatVector.zero(SPECIES);
                    FloatVector a020 = FloatVector.zero(SPECIES);
                    FloatVector a021 = FloatVector.zero(SPECIES);
                    FloatVector a100 = FloatVector.zero(SPECIES);
                    FloatVector a101 = FloatVector.zero(SPECIES);
                    FloatVector a110 = FloatVector.zero(SPECIES);
                    FloatVector a111 = FloatVector.zero(SPECIES);
                    FloatVector a120 = FloatVector.zero(SPECIES);
                    FloatVector a121 = FloatVector.zero(SPECIES);
                    FloatVector a200 = FloatVector.zero(SPECIES);
                    FloatVector a201 = FloatVector.zero(SPECIES);
                    FloatVector a210 = FloatVector.zero(SPECIES);
                    FloatVector a211 = FloatVector.zero(SPECIES);
                    FloatVector a220 = FloatVector.zero(SPECIES);
                    FloatVector a221 = FloatVector.zero(SPECIES);
                    FloatVector a300 = FloatVector.zero(SPECIES);
                    FloatVector a301 = FloatVector.zero(SPECIES);
                    FloatVector a310 = FloatVector.zero(SPECIES);
                    FloatVector a311 = FloatVector.zero(SPECIES);
                    FloatVector a320 = FloatVector.zero(SPECIES);
                    FloatVector a321 = FloatVector.zero(SPECIES);
                    int xq = xo;
                    int gp = go + cv;
                    int col = 0;
                    int row = 0;
                    for (int it = iterations; it > 0; it--) { // one loop over samples and pixels: C2 keeps the vectors of a single loop unboxed
                        FloatVector g0 = FloatVector.fromArray(SPECIES, g, gp);
                        FloatVector g1 = FloatVector.fromArray(SPECIES, g, gp + LANES);
                        FloatVector s00 = FloatVector.broadcast(SPECIES, x[xq + x00]);
                        a000 = s00.fma(g0, a000);
                        a001 = s00.fma(g1, a001);
                        FloatVector s01 = FloatVector.broadcast(SPECIES, x[xq + x01]);
                        a010 = s01.fma(g0, a010);
                        a011 = s01.fma(g1, a011);
                        FloatVector s02 = FloatVector.broadcast(SPECIES, x[xq + x02]);
                        a020 = s02.fma(g0, a020);
                        a021 = s02.fma(g1, a021);
                        FloatVector s10 = FloatVector.broadcast(SPECIES, x[xq + x10]);
                        a100 = s10.fma(g0, a100);
                        a101 = s10.fma(g1, a101);
                        FloatVector s11 = FloatVector.broadcast(SPECIES, x[xq + x11]);
                        a110 = s11.fma(g0, a110);
                        a111 = s11.fma(g1, a111);
                        FloatVector s12 = FloatVector.broadcast(SPECIES, x[xq + x12]);
                        a120 = s12.fma(g0, a120);
                        a121 = s12.fma(g1, a121);
                        FloatVector s20 = FloatVector.broadcast(SPECIES, x[xq + x20]);
                        a200 = s20.fma(g0, a200);
                        a201 = s20.fma(g1, a201);
                        FloatVector s21 = FloatVector.broadcast(SPECIES, x[xq + x21]);
                        a210 = s21.fma(g0, a210);
                        a211 = s21.fma(g1, a211);
                        FloatVector s22 = FloatVector.broadcast(SPECIES, x[xq + x22]);
                        a220 = s22.fma(g0, a220);
                        a221 = s22.fma(g1, a221);
                        FloatVector s30 = FloatVector.broadcast(SPECIES, x[xq + x30]);
                        a300 = s30.fma(g0, a300);
                        a301 = s30.fma(g1, a301);
                        FloatVector s31 = FloatVector.broadcast(SPECIES, x[xq + x31]);
                        a310 = s31.fma(g0, a310);
                        a311 = s31.fma(g1, a311);
                        FloatVector s32 = FloatVector.broadcast(SPECIES, x[xq + x32]);
                        a320 = s32.fma(g0, a320);
                        a321 = s32.fma(g1, a321);
                        gp += cout;
                        xq++;
                        if (++col == outWidth) {
                            col = 0;
                            xq += rowSkip;
                            if (++row == outHeight) {
                                row = 0;
                                xq += sampleSkip;
                            }
                        }
                    }
                    a000.add(FloatVector.fromArray(SPECIES, part, p00)).intoArray(part, p00);
                    a001.add(FloatVector.fromArray(SPECIES, part, p00 + LANES)).intoArray(part, p00 + LANES);
                    a010.add(FloatVector.fromArray(SPECIES, part, p01)).intoArray(part, p01);
                    a011.add(FloatVector.fromArray(SPECIES, part, p01 + LANES)).intoArray(part, p01 + LANES);
                    a020.add(FloatVector.fromArray(SPECIES, part, p02)).intoArray(part, p02);
                    a021.add(FloatVector.fromArray(SPECIES, part, p02 + LANES)).intoArray(part, p02 + LANES);
                    a100.add(FloatVector.fromArray(SPECIES, part, p10)).intoArray(part, p10);
                    a101.add(FloatVector.fromArray(SPECIES, part, p10 + LANES)).intoArray(part, p10 + LANES);
                    a110.add(FloatVector.fromArray(SPECIES, part, p11)).intoArray(part, p11);
                    a111.add(FloatVector.fromArray(SPECIES, part, p11 + LANES)).intoArray(part, p11 + LANES);
                    a120.add(FloatVector.fromArray(SPECIES, part, p12)).intoArray(part, p12);
                    a121.add(FloatVector.fromArray(SPECIES, part, p12 + LANES)).intoArray(part, p12 + LANES);
                    a200.add(FloatVector.fromArray(SPECIES, part, p20)).intoArray(part, p20);
                    a201.add(FloatVector.fromArray(SPECIES, part, p20 + LANES)).intoArray(part, p20 + LANES);
                    a210.add(FloatVector.fromArray(SPECIES, part, p21)).intoArray(part, p21);
                    a211.add(FloatVector.fromArray(SPECIES, part, p21 + LANES)).intoArray(part, p21 + LANES);
                    a220.add(FloatVector.fromArray(SPECIES, part, p22)).intoArray(part, p22);
                    a221.add(FloatVector.fromArray(SPECIES, part, p22 + LANES)).intoArray(part, p22 + LANES);
                    a300.add(FloatVector.fromArray(SPECIES, part, p30)).intoArray(part, p30);
                    a301.add(FloatVector.fromArray(SPECIES, part, p30 + LANES)).intoArray(part, p30 + LANES);
                    a310.add(FloatVector.fromArray(SPECIES, part, p31)).intoArray(part, p31);
                    a311.add(FloatVector.fromArray(SPECIES, part, p31 + LANES)).intoArray(part, p31 + LANES);
                    a320.add(FloatVector.fromArray(SPECIES, part, p32)).intoArray(part, p32);
                    a321.add(FloatVector.fromArray(SPECIES, part, p32 + LANES)).intoArray(part, p32 + LANES);
                }
            }
        }
    }

    /** {@link #gradWeight} with 4 vectors of output channels by 2 input channels by three kernel elements. */
    private void gradWeight4(float[] x, int xo, float[] g, int go, int samples, float[] part) {
        int iterations = samples * outHeight * outWidth;
        int rowSkip = pw - outWidth;
        int sampleSkip = inStride - outHeight * pw;
        int sink = cin * kk * cout;
        for (int cv = 0; cv < cout; cv += 4 * LANES) {
            for (int ci = 0; ci < cin; ci += 2) {
                int c0 = ci;
                int c1 = Math.min(ci + 1, cin - 1);
                for (int e = 0; e < kk; e += 3) {
                    int e0 = e;
                    int e1 = Math.min(e + 1, kk - 1);
                    int e2 = Math.min(e + 2, kk - 1);
                    int x00 = inputOffsets[c0 * kk + e0];
                    int p00 = (c0 * kk + e0) * cout + cv;
                    int x01 = inputOffsets[c0 * kk + e1];
                    int p01 = target((c0 * kk + e1) * cout + cv, (cin - 1 - ci - 0) | (kk - 1 - e - 1), sink);
                    int x02 = inputOffsets[c0 * kk + e2];
                    int p02 = target((c0 * kk + e2) * cout + cv, (cin - 1 - ci - 0) | (kk - 1 - e - 2), sink);
                    int x10 = inputOffsets[c1 * kk + e0];
                    int p10 = target((c1 * kk + e0) * cout + cv, (cin - 1 - ci - 1) | (kk - 1 - e - 0), sink);
                    int x11 = inputOffsets[c1 * kk + e1];
                    int p11 = target((c1 * kk + e1) * cout + cv, (cin - 1 - ci - 1) | (kk - 1 - e - 1), sink);
                    int x12 = inputOffsets[c1 * kk + e2];
                    int p12 = target((c1 * kk + e2) * cout + cv, (cin - 1 - ci - 1) | (kk - 1 - e - 2), sink);
                    FloatVector a000 = FloatVector.zero(SPECIES);
                    FloatVector a001 = FloatVector.zero(SPECIES);
                    FloatVector a002 = FloatVector.zero(SPECIES);
                    FloatVector a003 = FloatVector.zero(SPECIES);
                    FloatVector a010 = FloatVector.zero(SPECIES);
                    FloatVector a011 = FloatVector.zero(SPECIES);
                    FloatVector a012 = FloatVector.zero(SPECIES);
                    FloatVector a013 = FloatVector.zero(SPECIES);
                    FloatVector a020 = FloatVector.zero(SPECIES);
                    FloatVector a021 = FloatVector.zero(SPECIES);
                    FloatVector a022 = FloatVector.zero(SPECIES);
                    FloatVector a023 = FloatVector.zero(SPECIES);
                    FloatVector a100 = FloatVector.zero(SPECIES);
                    FloatVector a101 = FloatVector.zero(SPECIES);
                    FloatVector a102 = FloatVector.zero(SPECIES);
                    FloatVector a103 = FloatVector.zero(SPECIES);
                    FloatVector a110 = FloatVector.zero(SPECIES);
                    FloatVector a111 = FloatVector.zero(SPECIES);
                    FloatVector a112 = FloatVector.zero(SPECIES);
                    FloatVector a113 = FloatVector.zero(SPECIES);
                    FloatVector a120 = FloatVector.zero(SPECIES);
                    FloatVector a121 = FloatVector.zero(SPECIES);
                    FloatVector a122 = FloatVector.zero(SPECIES);
                    FloatVector a123 = FloatVector.zero(SPECIES);
                    int xq = xo;
                    int gp = go + cv;
                    int col = 0;
                    int row = 0;
                    for (int it = iterations; it > 0; it--) { // one loop over samples and pixels: C2 keeps the vectors of a single loop unboxed
                        FloatVector g0 = FloatVector.fromArray(SPECIES, g, gp);
                        FloatVector g1 = FloatVector.fromArray(SPECIES, g, gp + LANES);
                        FloatVector g2 = FloatVector.fromArray(SPECIES, g, gp + 2 * LANES);
                        FloatVector g3 = FloatVector.fromArray(SPECIES, g, gp + 3 * LANES);
                        FloatVector s00 = FloatVector.broadcast(SPECIES, x[xq + x00]);
                        a000 = s00.fma(g0, a000);
                        a001 = s00.fma(g1, a001);
                        a002 = s00.fma(g2, a002);
                        a003 = s00.fma(g3, a003);
                        FloatVector s01 = FloatVector.broadcast(SPECIES, x[xq + x01]);
                        a010 = s01.fma(g0, a010);
                        a011 = s01.fma(g1, a011);
                        a012 = s01.fma(g2, a012);
                        a013 = s01.fma(g3, a013);
                        FloatVector s02 = FloatVector.broadcast(SPECIES, x[xq + x02]);
                        a020 = s02.fma(g0, a020);
                        a021 = s02.fma(g1, a021);
                        a022 = s02.fma(g2, a022);
                        a023 = s02.fma(g3, a023);
                        FloatVector s10 = FloatVector.broadcast(SPECIES, x[xq + x10]);
                        a100 = s10.fma(g0, a100);
                        a101 = s10.fma(g1, a101);
                        a102 = s10.fma(g2, a102);
                        a103 = s10.fma(g3, a103);
                        FloatVector s11 = FloatVector.broadcast(SPECIES, x[xq + x11]);
                        a110 = s11.fma(g0, a110);
                        a111 = s11.fma(g1, a111);
                        a112 = s11.fma(g2, a112);
                        a113 = s11.fma(g3, a113);
                        FloatVector s12 = FloatVector.broadcast(SPECIES, x[xq + x12]);
                        a120 = s12.fma(g0, a120);
                        a121 = s12.fma(g1, a121);
                        a122 = s12.fma(g2, a122);
                        a123 = s12.fma(g3, a123);
                        gp += cout;
                        xq++;
                        if (++col == outWidth) {
                            col = 0;
                            xq += rowSkip;
                            if (++row == outHeight) {
                                row = 0;
                                xq += sampleSkip;
                            }
                        }
                    }
                    a000.add(FloatVector.fromArray(SPECIES, part, p00)).intoArray(part, p00);
                    a001.add(FloatVector.fromArray(SPECIES, part, p00 + LANES)).intoArray(part, p00 + LANES);
                    a002.add(FloatVector.fromArray(SPECIES, part, p00 + 2 * LANES)).intoArray(part, p00 + 2 * LANES);
                    a003.add(FloatVector.fromArray(SPECIES, part, p00 + 3 * LANES)).intoArray(part, p00 + 3 * LANES);
                    a010.add(FloatVector.fromArray(SPECIES, part, p01)).intoArray(part, p01);
                    a011.add(FloatVector.fromArray(SPECIES, part, p01 + LANES)).intoArray(part, p01 + LANES);
                    a012.add(FloatVector.fromArray(SPECIES, part, p01 + 2 * LANES)).intoArray(part, p01 + 2 * LANES);
                    a013.add(FloatVector.fromArray(SPECIES, part, p01 + 3 * LANES)).intoArray(part, p01 + 3 * LANES);
                    a020.add(FloatVector.fromArray(SPECIES, part, p02)).intoArray(part, p02);
                    a021.add(FloatVector.fromArray(SPECIES, part, p02 + LANES)).intoArray(part, p02 + LANES);
                    a022.add(FloatVector.fromArray(SPECIES, part, p02 + 2 * LANES)).intoArray(part, p02 + 2 * LANES);
                    a023.add(FloatVector.fromArray(SPECIES, part, p02 + 3 * LANES)).intoArray(part, p02 + 3 * LANES);
                    a100.add(FloatVector.fromArray(SPECIES, part, p10)).intoArray(part, p10);
                    a101.add(FloatVector.fromArray(SPECIES, part, p10 + LANES)).intoArray(part, p10 + LANES);
                    a102.add(FloatVector.fromArray(SPECIES, part, p10 + 2 * LANES)).intoArray(part, p10 + 2 * LANES);
                    a103.add(FloatVector.fromArray(SPECIES, part, p10 + 3 * LANES)).intoArray(part, p10 + 3 * LANES);
                    a110.add(FloatVector.fromArray(SPECIES, part, p11)).intoArray(part, p11);
                    a111.add(FloatVector.fromArray(SPECIES, part, p11 + LANES)).intoArray(part, p11 + LANES);
                    a112.add(FloatVector.fromArray(SPECIES, part, p11 + 2 * LANES)).intoArray(part, p11 + 2 * LANES);
                    a113.add(FloatVector.fromArray(SPECIES, part, p11 + 3 * LANES)).intoArray(part, p11 + 3 * LANES);
                    a120.add(FloatVector.fromArray(SPECIES, part, p12)).intoArray(part, p12);
                    a121.add(FloatVector.fromArray(SPECIES, part, p12 + LANES)).intoArray(part, p12 + LANES);
                    a122.add(FloatVector.fromArray(SPECIES, part, p12 + 2 * LANES)).intoArray(part, p12 + 2 * LANES);
                    a123.add(FloatVector.fromArray(SPECIES, part, p12 + 3 * LANES)).intoArray(part, p12 + 3 * LANES);
                }
            }
        }
    }

    /**
     * {@link #gradWeight1} for 3x3 kernels without dilation, three pixels at a time: the three output-gradient rows of
     * grid positions {@code q, q + 1, q + 2} ({@link #toGridRows}) and five input values per input channel and kernel
     * row serve the nine products of the row's three kernel elements, so each broadcast feeds nearly two
     * multiply-adds instead of one. Four input channels by three kernel elements, 12 accumulators: with eight (24)
     * the method was too large for C1, and a JVM whose tiered policy had compiled it at tier 2 first kept that boxed
     * code for good (60 instead of 700 samples/s for resnet-20).
     */
    private void gradWeightTriples(float[] x, int xo, float[] g, int go, int samples, float[] part) {
        int perSample = gridRows / 3;
        int iterations = samples * perSample;
        int sampleSkip = inStride - gridRows;
        int step = 3 * cout;
        int sink = cin * kk * cout;
        for (int cv = 0; cv < cout; cv += LANES) {
            for (int ci = 0; ci < cin; ci += 4) {
                int c0 = ci * plane;
                int c1 = Math.min(ci + 1, cin - 1) * plane;
                int c2 = Math.min(ci + 2, cin - 1) * plane;
                int c3 = Math.min(ci + 3, cin - 1) * plane;
                for (int kh = 0; kh < 3; kh++) {
                    FloatVector a00 = FloatVector.zero(SPECIES);
                    FloatVector a01 = FloatVector.zero(SPECIES);
                    FloatVector a02 = FloatVector.zero(SPECIES);
                    FloatVector a10 = FloatVector.zero(SPECIES);
                    FloatVector a11 = FloatVector.zero(SPECIES);
                    FloatVector a12 = FloatVector.zero(SPECIES);
                    FloatVector a20 = FloatVector.zero(SPECIES);
                    FloatVector a21 = FloatVector.zero(SPECIES);
                    FloatVector a22 = FloatVector.zero(SPECIES);
                    FloatVector a30 = FloatVector.zero(SPECIES);
                    FloatVector a31 = FloatVector.zero(SPECIES);
                    FloatVector a32 = FloatVector.zero(SPECIES);
                    int xq = xo + kh * wp;
                    int gp = go + cv;
                    int left = perSample;
                    for (int it = iterations; it > 0; it--) { // one loop over samples and positions: C2 keeps the vectors of a single loop unboxed
                        FloatVector g0 = FloatVector.fromArray(SPECIES, g, gp);
                        FloatVector g1 = FloatVector.fromArray(SPECIES, g, gp + cout);
                        FloatVector g2 = FloatVector.fromArray(SPECIES, g, gp + 2 * cout);
                        int i0 = xq + c0;
                        FloatVector s00 = FloatVector.broadcast(SPECIES, x[i0]);
                        FloatVector s01 = FloatVector.broadcast(SPECIES, x[i0 + 1]);
                        FloatVector s02 = FloatVector.broadcast(SPECIES, x[i0 + 2]);
                        FloatVector s03 = FloatVector.broadcast(SPECIES, x[i0 + 3]);
                        FloatVector s04 = FloatVector.broadcast(SPECIES, x[i0 + 4]);
                        a00 = s00.fma(g0, a00);
                        a00 = s01.fma(g1, a00);
                        a00 = s02.fma(g2, a00);
                        a01 = s01.fma(g0, a01);
                        a01 = s02.fma(g1, a01);
                        a01 = s03.fma(g2, a01);
                        a02 = s02.fma(g0, a02);
                        a02 = s03.fma(g1, a02);
                        a02 = s04.fma(g2, a02);
                        int i1 = xq + c1;
                        FloatVector s10 = FloatVector.broadcast(SPECIES, x[i1]);
                        FloatVector s11 = FloatVector.broadcast(SPECIES, x[i1 + 1]);
                        FloatVector s12 = FloatVector.broadcast(SPECIES, x[i1 + 2]);
                        FloatVector s13 = FloatVector.broadcast(SPECIES, x[i1 + 3]);
                        FloatVector s14 = FloatVector.broadcast(SPECIES, x[i1 + 4]);
                        a10 = s10.fma(g0, a10);
                        a10 = s11.fma(g1, a10);
                        a10 = s12.fma(g2, a10);
                        a11 = s11.fma(g0, a11);
                        a11 = s12.fma(g1, a11);
                        a11 = s13.fma(g2, a11);
                        a12 = s12.fma(g0, a12);
                        a12 = s13.fma(g1, a12);
                        a12 = s14.fma(g2, a12);
                        int i2 = xq + c2;
                        FloatVector s20 = FloatVector.broadcast(SPECIES, x[i2]);
                        FloatVector s21 = FloatVector.broadcast(SPECIES, x[i2 + 1]);
                        FloatVector s22 = FloatVector.broadcast(SPECIES, x[i2 + 2]);
                        FloatVector s23 = FloatVector.broadcast(SPECIES, x[i2 + 3]);
                        FloatVector s24 = FloatVector.broadcast(SPECIES, x[i2 + 4]);
                        a20 = s20.fma(g0, a20);
                        a20 = s21.fma(g1, a20);
                        a20 = s22.fma(g2, a20);
                        a21 = s21.fma(g0, a21);
                        a21 = s22.fma(g1, a21);
                        a21 = s23.fma(g2, a21);
                        a22 = s22.fma(g0, a22);
                        a22 = s23.fma(g1, a22);
                        a22 = s24.fma(g2, a22);
                        int i3 = xq + c3;
                        FloatVector s30 = FloatVector.broadcast(SPECIES, x[i3]);
                        FloatVector s31 = FloatVector.broadcast(SPECIES, x[i3 + 1]);
                        FloatVector s32 = FloatVector.broadcast(SPECIES, x[i3 + 2]);
                        FloatVector s33 = FloatVector.broadcast(SPECIES, x[i3 + 3]);
                        FloatVector s34 = FloatVector.broadcast(SPECIES, x[i3 + 4]);
                        a30 = s30.fma(g0, a30);
                        a30 = s31.fma(g1, a30);
                        a30 = s32.fma(g2, a30);
                        a31 = s31.fma(g0, a31);
                        a31 = s32.fma(g1, a31);
                        a31 = s33.fma(g2, a31);
                        a32 = s32.fma(g0, a32);
                        a32 = s33.fma(g1, a32);
                        a32 = s34.fma(g2, a32);
                        gp += step;
                        xq += 3;
                        if (--left == 0) {
                            left = perSample;
                            xq += sampleSkip;
                        }
                    }
                    int p00 = (ci * kk + kh * 3 + 0) * cout + cv;
                    a00.add(FloatVector.fromArray(SPECIES, part, p00)).intoArray(part, p00);
                    int p01 = (ci * kk + kh * 3 + 1) * cout + cv;
                    a01.add(FloatVector.fromArray(SPECIES, part, p01)).intoArray(part, p01);
                    int p02 = (ci * kk + kh * 3 + 2) * cout + cv;
                    a02.add(FloatVector.fromArray(SPECIES, part, p02)).intoArray(part, p02);
                    int p10 = target(((ci + 1) * kk + kh * 3 + 0) * cout + cv, cin - 1 - ci - 1, sink);
                    a10.add(FloatVector.fromArray(SPECIES, part, p10)).intoArray(part, p10);
                    int p11 = target(((ci + 1) * kk + kh * 3 + 1) * cout + cv, cin - 1 - ci - 1, sink);
                    a11.add(FloatVector.fromArray(SPECIES, part, p11)).intoArray(part, p11);
                    int p12 = target(((ci + 1) * kk + kh * 3 + 2) * cout + cv, cin - 1 - ci - 1, sink);
                    a12.add(FloatVector.fromArray(SPECIES, part, p12)).intoArray(part, p12);
                    int p20 = target(((ci + 2) * kk + kh * 3 + 0) * cout + cv, cin - 1 - ci - 2, sink);
                    a20.add(FloatVector.fromArray(SPECIES, part, p20)).intoArray(part, p20);
                    int p21 = target(((ci + 2) * kk + kh * 3 + 1) * cout + cv, cin - 1 - ci - 2, sink);
                    a21.add(FloatVector.fromArray(SPECIES, part, p21)).intoArray(part, p21);
                    int p22 = target(((ci + 2) * kk + kh * 3 + 2) * cout + cv, cin - 1 - ci - 2, sink);
                    a22.add(FloatVector.fromArray(SPECIES, part, p22)).intoArray(part, p22);
                    int p30 = target(((ci + 3) * kk + kh * 3 + 0) * cout + cv, cin - 1 - ci - 3, sink);
                    a30.add(FloatVector.fromArray(SPECIES, part, p30)).intoArray(part, p30);
                    int p31 = target(((ci + 3) * kk + kh * 3 + 1) * cout + cv, cin - 1 - ci - 3, sink);
                    a31.add(FloatVector.fromArray(SPECIES, part, p31)).intoArray(part, p31);
                    int p32 = target(((ci + 3) * kk + kh * 3 + 2) * cout + cv, cin - 1 - ci - 3, sink);
                    a32.add(FloatVector.fromArray(SPECIES, part, p32)).intoArray(part, p32);
                }
            }
        }
    }
}
