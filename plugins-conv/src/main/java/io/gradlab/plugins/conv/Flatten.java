package io.gradlab.plugins.conv;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.Tensor;

/**
 * Reads images {@code [C, H, W]} as plain features {@code [C H W]} (PyTorch's {@code Flatten}). A
 * batch is already one row per sample, so both passes are plain copies: the layer marks where the
 * image part of a network ends, checks the width there, and owns its buffers like every layer.
 */
public final class Flatten extends AbstractLayer {
    private final ImageShape in;

    public Flatten(String name, ImageShape in) {
        super(name, "flatten");
        this.in = in;
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        Shapes.requireWidth(this, in, inputWidth);
        return inputWidth;
    }

    @Override
    public int[] sampleShape() {
        return new int[] {in.size()};
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        output.copyFrom(input);
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        gradInput.copyFrom(gradOutput);
    }
}
