package io.gradlab.plugins.conv;

import static io.gradlab.api.ParameterSpec.bool;
import static io.gradlab.api.ParameterSpec.intList;
import static io.gradlab.api.ParameterSpec.integer;
import static io.gradlab.api.ParameterSpec.real;

import io.gradlab.api.ApiVersion;
import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabPlugin;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.Params;
import io.gradlab.api.nn.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * Convolutional networks as one plugin: the layers {@code conv2d}, {@code max-pool2d},
 * {@code avg-pool2d}, {@code global-avg-pool}, {@code flatten} and {@code basic-block}, the
 * normalizer {@code batch-norm2d}, the architectures {@code cnn} and {@code resnet}, and the
 * diagnostic {@code dead-channels}.
 *
 * <p>Image layers know the shape of their input, {@code [channels, height, width]}: the
 * architectures pass it from layer to layer, starting from the data's sample shape; a layer made
 * on its own takes it as the parameter {@code input}.
 */
public final class ConvPlugin implements GradlabPlugin {
    @Override
    public String apiVersion() {
        return ApiVersion.CURRENT;
    }

    @Override
    public String name() {
        return "gradlab-conv";
    }

    static ParameterSpec input() {
        return intList("input", List.of(1, 28, 28), "the input image shape [channels, height, width] (architectures set it from the data)");
    }

    static ImageShape input(Params p, String name) {
        return ImageShape.of(p.getIntList("input"), "layer '" + name + "'");
    }

    static Window window(Params p, String name, String type) {
        int stride = p.getInt("stride");
        try {
            return new Window(p.getInt("kernel"), stride, p.getInt("padding"), p.has("dilation") ? p.getInt("dilation") : 1);
        } catch (IllegalArgumentException e) {
            throw new GradlabException(GradlabException.Category.SPEC, "layer '" + name + "' (" + type + "): " + e.getMessage());
        }
    }

    @Override
    public List<ComponentFactory<?>> components() {
        List<ComponentFactory<?>> all = new ArrayList<>();
        all.add(ComponentFactory.of(ComponentKind.LAYER, "conv2d",
                "2-D convolution (PyTorch Conv2d): square kernel, stride, zero padding, dilation, optional bias; weight [out, in, kh, kw]",
                List.of(input(),
                        integer("channels", 16, "output channels").range(1, 100_000),
                        integer("kernel", 3, "kernel size (square)").range(1, 1_000),
                        integer("stride", 1, "stride").range(0, 1_000),
                        integer("padding", 0, "zero padding on every side").range(0, 1_000),
                        integer("dilation", 1, "spacing between kernel elements").range(1, 1_000),
                        bool("bias", true, "learnable bias per output channel")),
                (p, c) -> new Conv2d(c.name(), input(p, c.name()), p.getInt("channels"), window(p, c.name(), "conv2d"), p.getBoolean("bias"),
                        "linear", null)));
        for (Pool2d.Kind kind : Pool2d.Kind.values()) {
            all.add(ComponentFactory.of(ComponentKind.LAYER, kind.type(),
                    (kind == Pool2d.Kind.MAX ? "max" : "average") + " pooling over square windows of each channel (PyTorch "
                            + (kind == Pool2d.Kind.MAX ? "MaxPool2d" : "AvgPool2d, count_include_pad") + ")",
                    List.of(input(),
                            integer("kernel", 2, "window size (square)").range(1, 1_000),
                            integer("stride", 2, "stride").range(0, 1_000),
                            integer("padding", 0, "padding on every side (at most half the kernel)").range(0, 1_000)),
                    (p, c) -> new Pool2d(c.name(), kind, input(p, c.name()), window(p, c.name(), kind.type()))));
        }
        all.add(ComponentFactory.of(ComponentKind.LAYER, "global-avg-pool",
                "the mean of each channel over its pixels: [C, H, W] to [C] (AdaptiveAvgPool2d(1) + flatten)",
                List.of(input()), (p, c) -> new GlobalAvgPool(c.name(), input(p, c.name()))));
        all.add(ComponentFactory.of(ComponentKind.LAYER, "flatten",
                "images [C, H, W] read as plain features [C*H*W] (the batch is already one row per sample)",
                List.of(input()), (p, c) -> new Flatten(c.name(), input(p, c.name()))));
        all.add(ComponentFactory.of(ComponentKind.NORMALIZER, "batch-norm2d",
                "batch normalization per channel over batch and pixels (PyTorch BatchNorm2d): batch statistics in training, running statistics in evaluation",
                List.of(input(),
                        real("eps", 1e-5, "added to the variance").rangeExclusiveMin(0, 1),
                        real("momentum", 0.1, "weight of the new batch in the running statistics").range(0, 1),
                        bool("affine", true, "learnable scale (init 1) and shift (init 0) per channel")),
                (p, c) -> new BatchNorm2d(c.name(), input(p, c.name()), p.getDouble("eps"), p.getDouble("momentum"), p.getBoolean("affine"))));
        all.add(ComponentFactory.of(ComponentKind.LAYER, "basic-block",
                "ResNet basic block: conv3x3-BN-ReLU-conv3x3-BN plus the identity (or a 1x1 conv + BN projection when the shape changes), then ReLU;"
                        + " residual: false gives the plain twin",
                List.of(input(),
                        integer("channels", 16, "output channels").range(1, 100_000),
                        integer("stride", 1, "stride of the first convolution (2 halves the image)").range(1, 2),
                        bool("residual", true, "add the shortcut (false: the plain block)"),
                        bool("batch-norm", true, "the batch norms after the convolutions (false: none, the convolutions get a bias)")),
                (p, c) -> new BasicBlock(c.name(), input(p, c.name()), p.getInt("channels"), p.getInt("stride"), p.getBoolean("residual"),
                        p.getBoolean("batch-norm"), 1e-5, 0.1, Relu::new, null)));
        all.addAll(Architectures.all());
        all.add(ComponentFactory.of(ComponentKind.DIAGNOSTIC, "dead-channels",
                "dead ReLU channels: per rectifying activation on images, the channels that output zero at every pixel for every sample of the epoch",
                List.of(real("warn-fraction", 0.1, "a warning when a layer has lost at least this fraction of its channels").range(0, 1)),
                p -> new DeadChannels(p.getDouble("warn-fraction"))));
        return List.copyOf(all);
    }
}
