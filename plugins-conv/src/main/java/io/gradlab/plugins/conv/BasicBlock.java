package io.gradlab.plugins.conv;

import static io.gradlab.api.tensor.Expr.arg;
import static java.util.Objects.requireNonNull;

import io.gradlab.api.nn.AbstractLayer.BufferCache;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorArgs;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The basic block of He et al. (2016): {@code conv3x3(stride) - BN - act - conv3x3 - BN}, plus a
 * shortcut, then the activation. The shortcut is the identity when the shape is kept, otherwise a
 * {@code 1x1 conv(stride) + BN} projection (the paper's option B). The plain twin
 * ({@code residual = false}) is the same block without the shortcut: the network that shows the
 * degradation problem.
 */
public final class BasicBlock implements Layer, ImageLayer {
    private static final Elementwise SUM = Elementwise.assign(0, arg(1).add(arg(2)));

    private final String name;
    private final boolean residual;
    private final ImageShape in;
    private final ImageShape out;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Layer act1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Conv2d projection;
    private final BatchNorm2d projectionNorm;
    private final Layer act2;
    private final List<Layer> children;
    private final BufferCache sums = new BufferCache();
    private final BufferCache gradInputs = new BufferCache();
    private final TensorArgs args = new TensorArgs();
    private Ops ops;
    private DType dtype;
    private boolean built;
    private boolean inputGradientRequired = true;
    private Tensor lastInput;
    private Tensor lastOutput;

    /**
     * @param activation makes the activation layer of a given name (a ReLU in the paper)
     * @param init       the convolutions' weight initializer, or {@code null} for the model's
     */
    public BasicBlock(String name, ImageShape in, int channels, int stride, boolean residual, double eps, double momentum,
            Function<String, Layer> activation, Initializer init) {
        this(name, in, channels, stride, residual, true, eps, momentum, activation, init);
    }

    /**
     * @param batchNorm {@code false} leaves out the three batch norms (the convolutions then get a
     *                  bias): the block of a network without normalization
     */
    public BasicBlock(String name, ImageShape in, int channels, int stride, boolean residual, boolean batchNorm, double eps,
            double momentum, Function<String, Layer> activation, Initializer init) {
        this.name = requireNonNull(name, "name is null");
        this.residual = residual;
        this.in = in;
        conv1 = new Conv2d(name + "-conv1", in, channels, new Window(3, stride, 1, 1), !batchNorm, "relu", init);
        bn1 = batchNorm ? new BatchNorm2d(name + "-bn1", conv1.outputShape(), eps, momentum, true) : null;
        act1 = activation.apply(name + "-act1");
        conv2 = new Conv2d(name + "-conv2", conv1.outputShape(), channels, new Window(3, 1, 1, 1), !batchNorm, "relu", init);
        bn2 = batchNorm ? new BatchNorm2d(name + "-bn2", conv2.outputShape(), eps, momentum, true) : null;
        this.out = conv2.outputShape();
        if (residual && !out.equals(in)) {
            projection = new Conv2d(name + "-shortcut", in, channels, new Window(1, stride, 0, 1), !batchNorm, "linear", init);
            projectionNorm = batchNorm ? new BatchNorm2d(name + "-shortcut-bn", projection.outputShape(), eps, momentum, true) : null;
        } else {
            projection = null;
            projectionNorm = null;
        }
        act2 = activation.apply(name + "-act2");
        List<Layer> c = new ArrayList<>();
        c.add(conv1);
        addIfPresent(c, bn1);
        c.add(act1);
        c.add(conv2);
        addIfPresent(c, bn2);
        if (projection != null) {
            c.add(projection);
            addIfPresent(c, projectionNorm);
        }
        c.add(act2);
        this.children = List.copyOf(c);
    }

    private static void addIfPresent(List<Layer> layers, Layer layer) {
        if (layer != null) {
            layers.add(layer);
        }
    }

    private static int build(Layer layer, int width, BuildContext ctx) {
        return layer == null ? width : layer.build(width, ctx);
    }

    private static Tensor forward(Layer layer, Tensor input, Mode mode) {
        return layer == null ? input : layer.forward(input, mode);
    }

    private static Tensor backward(Layer layer, Tensor gradOutput) {
        return layer == null ? gradOutput : layer.backward(gradOutput);
    }

    @Override
    public ImageShape outputShape() {
        return out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return residual ? "basic-block" : "plain-block";
    }

    @Override
    public int build(int inputWidth, BuildContext ctx) {
        if (built) {
            Shapes.requireWidth(this, in, inputWidth);
            return out.size();
        }
        Shapes.requireWidth(this, in, inputWidth);
        int w = conv1.build(inputWidth, ctx);
        w = build(bn1, w, ctx);
        w = act1.build(w, ctx);
        w = conv2.build(w, ctx);
        w = build(bn2, w, ctx);
        if (projection != null) {
            build(projectionNorm, projection.build(inputWidth, ctx), ctx);
        }
        act2.build(w, ctx);
        this.ops = ctx.ops();
        this.dtype = ctx.dtype();
        this.built = true;
        return out.size();
    }

    @Override
    public Tensor forward(Tensor input, Mode mode) {
        lastInput = input;
        Tensor h = forward(bn2, conv2.forward(act1.forward(forward(bn1, conv1.forward(input, mode), mode), mode), mode), mode);
        if (residual) {
            Tensor s = projection == null ? input : forward(projectionNorm, projection.forward(input, mode), mode);
            Tensor z = sums.get(dtype, input.rows(), out.size());
            ops.map(SUM, null, args.of(z, h, s));
            h = z;
        }
        lastOutput = act2.forward(h, mode);
        return lastOutput;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Tensor gz = act2.backward(gradOutput);
        Tensor gx = conv1.backward(backward(bn1, act1.backward(conv2.backward(backward(bn2, gz)))));
        if (!residual) {
            return gx;
        }
        Tensor gs = projection == null ? gz : projection.backward(backward(projectionNorm, gz));
        if (!inputGradientRequired) {
            return null;
        }
        Tensor g = gradInputs.get(dtype, gz.rows(), in.size());
        ops.map(SUM, null, args.of(g, gx, gs));
        return g;
    }

    @Override
    public List<Layer> children() {
        return children;
    }

    @Override
    public void setInputGradientRequired(boolean required) {
        this.inputGradientRequired = required;
        conv1.setInputGradientRequired(required);
        if (projection != null) {
            projection.setInputGradientRequired(required);
        }
    }

    @Override
    public Tensor lastInput() {
        return lastInput;
    }

    @Override
    public Tensor lastOutput() {
        return lastOutput;
    }
}
