package io.gradlab.plugins.conv;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * A 2-D convolution with PyTorch's {@code Conv2d} semantics (cross-correlation, square kernel,
 * stride, zero padding, dilation, optional bias). The weight has PyTorch's layout
 * {@code [out, in, kh, kw]}, read by the kernels as the matrix {@code [out, in kh kw]}.
 *
 * <p>Per sample, the input is unfolded into the column matrix {@code [in kh kw, OH OW]} (im2col,
 * with one array copy per row of pixels, {@link Unfold}) and the output is one matrix product
 * {@code Y = W col}. The backward pass takes {@code dcol = Wᵀ dY}, scatters it back into the input
 * gradient (col2im) and adds {@code dY colᵀ} into the weight gradient. The batch is split into one
 * chunk per kernel thread ({@link io.gradlab.api.tensor.Ops#parallelFor}); each thread owns its
 * column and output buffers and its part of the weight gradient, which are summed in a fixed order,
 * so that results do not depend on scheduling. All buffers are sized at build time.
 */
public final class Conv2d extends AbstractLayer {
    private final ImageShape in;
    private final ImageShape out;
    private final Window window;
    private final boolean hasBias;
    private final String nonlinearity;
    private final Unfold unfold;
    private final int k;
    private final int p;
    private Parameter weight;
    private Parameter bias;
    private int chunks;
    private Tensor[] cols;
    private Tensor[] planes;
    private Tensor[] weightGrads;
    private Tensor[] biasGrads;
    private final IntConsumer forwardPart = this::forwardChunk;
    private final IntConsumer gradInputPart = this::gradInputChunk;
    private final IntConsumer gradWeightPart = this::gradWeightChunk;
    private Tensor x;
    private Tensor y;
    private Tensor dy;
    private Tensor dx;
    private int batch;

    /**
     * @param nonlinearity the id of the activation that follows, for gain-aware initializers
     */
    public Conv2d(String name, ImageShape in, int outChannels, Window window, boolean bias, String nonlinearity) {
        super(name, "conv2d");
        this.in = in;
        this.window = window;
        this.out = window.output(in, outChannels, name, "conv2d");
        this.hasBias = bias;
        this.nonlinearity = nonlinearity;
        this.unfold = new Unfold(in, out, window);
        this.k = in.channels() * window.kernel() * window.kernel();
        this.p = out.plane();
    }

    public ImageShape inputShape() {
        return in;
    }

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
        ctx.initializeWeight(weight, fan);
        if (hasBias) {
            bias = new Parameter("bias", Parameter.Role.BIAS, Tensor.zeros(ctx.dtype(), out.channels()));
            ctx.initializeBias(bias, fan);
        }
        chunks = Math.max(1, ctx.ops().threads());
        cols = new Tensor[chunks];
        planes = new Tensor[chunks];
        weightGrads = new Tensor[chunks];
        biasGrads = new Tensor[chunks];
        for (int t = 0; t < chunks; t++) {
            cols[t] = Tensor.zeros(ctx.dtype(), k, p);
            planes[t] = Tensor.zeros(ctx.dtype(), out.channels(), p);
            weightGrads[t] = Tensor.zeros(ctx.dtype(), out.channels(), k);
            biasGrads[t] = Tensor.zeros(ctx.dtype(), out.channels());
        }
        return out.size();
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> list = new ArrayList<>(2);
        if (weight != null) {
            list.add(weight);
        }
        if (bias != null) {
            list.add(bias);
        }
        return list;
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        x = input;
        y = output;
        batch = input.rows();
        ops.parallelFor(chunks, forwardPart);
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        dy = gradOutput;
        dx = gradInput;
        batch = input.rows();
        ops.parallelFor(chunks, gradInputPart);
    }

    @Override
    protected void accGradParameters(Tensor input, Tensor gradOutput) {
        x = input;
        dy = gradOutput;
        batch = input.rows();
        ops.parallelFor(chunks, gradWeightPart);
        Tensor wg = weight.grad().reshape(out.channels(), k);
        for (int t = 0; t < chunks; t++) {
            ops.axpy(1.0, weightGrads[t], wg);
        }
        if (bias != null) {
            for (int t = 0; t < chunks; t++) {
                ops.axpy(1.0, biasGrads[t], bias.grad());
            }
        }
    }

    private int from(int chunk) {
        return (int) ((long) batch * chunk / chunks);
    }

    private Tensor weightMatrix() {
        return weight.value().reshape(out.channels(), k);
    }

    private void forwardChunk(int t) {
        Tensor col = cols[t];
        Tensor plane = planes[t];
        Tensor w = weightMatrix();
        for (int n = from(t); n < from(t + 1); n++) {
            unfold.gather(x, n * in.size(), col);
            ops.gemm(false, false, 1.0, w, col, 0.0, plane);
            Planes.store(plane, bias == null ? null : bias.value(), y, n * out.size());
        }
    }

    private void gradInputChunk(int t) {
        Tensor col = cols[t];
        Tensor plane = planes[t];
        Tensor w = weightMatrix();
        for (int n = from(t); n < from(t + 1); n++) {
            Planes.load(dy, n * out.size(), plane);
            ops.gemm(true, false, 1.0, w, plane, 0.0, col);
            unfold.scatter(col, dx, n * in.size());
        }
    }

    private void gradWeightChunk(int t) {
        Tensor col = cols[t];
        Tensor plane = planes[t];
        Tensor wg = weightGrads[t];
        Tensor bg = biasGrads[t];
        wg.fill(0.0);
        bg.fill(0.0);
        for (int n = from(t); n < from(t + 1); n++) {
            unfold.gather(x, n * in.size(), col);
            Planes.load(dy, n * out.size(), plane);
            ops.gemm(false, true, 1.0, plane, col, 1.0, wg);
            if (bias != null) {
                Planes.addRowSums(plane, bg);
            }
        }
    }
}
