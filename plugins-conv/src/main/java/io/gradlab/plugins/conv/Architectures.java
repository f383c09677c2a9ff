package io.gradlab.plugins.conv;

import static io.gradlab.api.ParameterSpec.bool;
import static io.gradlab.api.ParameterSpec.choice;
import static io.gradlab.api.ParameterSpec.component;
import static io.gradlab.api.ParameterSpec.intList;
import static io.gradlab.api.ParameterSpec.integer;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.Params;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.ModelBuilder;
import java.util.ArrayList;
import java.util.List;

/** The architectures {@code resnet} (the CIFAR form of He et al. 2016, and its plain twin) and {@code cnn}. */
final class Architectures {
    private static final double EPS = 1e-5;
    private static final double MOMENTUM = 0.1;

    private Architectures() {}

    static List<ComponentFactory<?>> all() {
        return List.of(
                ComponentFactory.of(ComponentKind.ARCHITECTURE, "resnet",
                        "ResNet for small images (He et al. 2016, CIFAR form): 3x3 stem, three stages of n basic blocks at width, 2 width, 4 width"
                                + " channels (stride-2 transitions), global average pooling, dense head; depth = 6n + 2",
                        List.of(integer("depth", 20, "layers with weights, 6n + 2: 8, 14, 20, 32, 44, 56, 110").range(8, 1_000),
                                integer("width", 16, "channels of the stem and the first stage (the stages have width, 2 width, 4 width)")
                                        .range(1, 4_096),
                                bool("residual", true, "the identity / projection shortcuts; false: the plain twin of the same depth"),
                                bool("batch-norm", true, "batch-norm2d after every convolution (the paper's network); false: none,"
                                        + " the convolutions get a bias"),
                                component("init", ComponentKind.INITIALIZER, "pytorch-default",
                                        "weight initializer of the convolutions (fan of a [out, in, kh, kw] weight as in PyTorch)"),
                                component("activation", ComponentKind.ACTIVATION, "relu", "activation after each batch norm and each block")),
                        (p, c) -> resnet(p, c.modelBuilder())),
                ComponentFactory.of(ComponentKind.ARCHITECTURE, "cnn",
                        "plain convolutional network: per stage conv (same padding) [+ batch-norm2d] + activation + 2x2 pooling, then dense layers",
                        List.of(intList("channels", List.of(32, 64), "output channels of each convolutional stage").range(1, 100_000),
                                integer("kernel", 3, "kernel size of every convolution (odd keeps the image size)").range(1, 1_000),
                                choice("pool", "max", List.of("max", "avg", "none"), "2x2 pooling after each stage"),
                                bool("batch-norm", false, "batch-norm2d between each convolution and its activation"),
                                intList("hidden", List.of(128), "dense hidden layers after the convolutions").range(1, 1_000_000),
                                component("init", ComponentKind.INITIALIZER, "pytorch-default",
                                        "weight initializer of the convolutions and dense layers (fan of a [out, in, kh, kw] weight as in PyTorch)"),
                                component("activation", ComponentKind.ACTIVATION, "relu", "activation after each convolution and hidden layer")),
                        (p, c) -> cnn(p, c.modelBuilder())));
    }

    static Layer resnet(Params p, ModelBuilder b) {
        int depth = p.getInt("depth");
        if ((depth - 2) % 6 != 0) {
            throw new GradlabException(GradlabException.Category.SPEC, "architecture 'resnet': depth " + depth
                    + " is not of the form 6n + 2; use one of 8, 14, 20, 32, 44, 56, 110");
        }
        int n = (depth - 2) / 6;
        int width = p.getInt("width");
        boolean residual = p.getBoolean("residual");
        boolean norm = p.getBoolean("batch-norm");
        ComponentSpec activation = p.getComponent("activation");
        String act = activation.id().value();
        Initializer init = b.initializer(p.getComponent("init"));
        ImageShape shape = ImageShape.of(b.inputShape(), "architecture 'resnet'");
        List<Layer> layers = new ArrayList<>();
        Conv2d stem = new Conv2d("stem", shape, width, new Window(3, 1, 1, 1), !norm, act, init);
        layers.add(stem);
        if (norm) {
            layers.add(new BatchNorm2d("stem-bn", stem.outputShape(), EPS, MOMENTUM, true));
        }
        layers.add(b.activation("stem-act", activation));
        shape = stem.outputShape();
        for (int stage = 1; stage <= 3; stage++) {
            int channels = width << (stage - 1);
            for (int i = 1; i <= n; i++) {
                int stride = stage > 1 && i == 1 ? 2 : 1;
                BasicBlock block = new BasicBlock("stage" + stage + "-block" + i, shape, channels, stride, residual, norm, EPS, MOMENTUM,
                        name -> b.activation(name, activation), init);
                layers.add(block);
                shape = block.outputShape();
            }
        }
        layers.add(new GlobalAvgPool("pool", shape));
        layers.add(b.dense("output", b.outputWidth(), null, null, "linear"));
        return b.sequential(residual ? "resnet" + depth : "plain" + depth, layers);
    }

    static Layer cnn(Params p, ModelBuilder b) {
        ComponentSpec activation = p.getComponent("activation");
        String act = activation.id().value();
        int kernel = p.getInt("kernel");
        ComponentSpec initSpec = p.getComponent("init");
        Initializer init = b.initializer(initSpec);
        String pool = p.getString("pool");
        boolean norm = p.getBoolean("batch-norm");
        ImageShape shape = ImageShape.of(b.inputShape(), "architecture 'cnn'");
        List<Layer> layers = new ArrayList<>();
        List<Integer> channels = p.getIntList("channels");
        for (int i = 0; i < channels.size(); i++) {
            int s = i + 1;
            Conv2d conv = new Conv2d("conv" + s, shape, channels.get(i), new Window(kernel, 1, kernel / 2, 1), !norm, act, init);
            layers.add(conv);
            shape = conv.outputShape();
            if (norm) {
                layers.add(new BatchNorm2d("bn" + s, shape, EPS, MOMENTUM, true));
            }
            layers.add(b.activation("act" + s, activation));
            if (!pool.equals("none")) {
                Pool2d.Kind kind = pool.equals("max") ? Pool2d.Kind.MAX : Pool2d.Kind.AVG;
                Pool2d p2 = new Pool2d("pool" + s, kind, shape, new Window(2, 2, 0, 1));
                layers.add(p2);
                shape = p2.outputShape();
            }
        }
        layers.add(new Flatten("flatten", shape));
        List<Integer> hidden = p.getIntList("hidden");
        for (int i = 0; i < hidden.size(); i++) {
            layers.add(b.dense("hidden" + (i + 1), hidden.get(i), initSpec, null, act));
            layers.add(b.activation("hidden-act" + (i + 1), activation));
        }
        layers.add(b.dense("output", b.outputWidth(), initSpec, null, "linear"));
        return b.sequential("cnn", layers);
    }
}
