package io.gradlab.plugins.conv;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.Tensor;

/**
 * Reads images {@code [C, H, W]} as plain features {@code [C H W]} (PyTorch's {@code Flatten}).
 * A batch is already one row per sample, so the data passes through untouched in both directions.
 */
public final class Flatten implements Layer {
    private final String name;
    private final ImageShape in;
    private Tensor lastInput;

    public Flatten(String name, ImageShape in) {
        this.name = requireNonNull(name, "name is null");
        this.in = in;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "flatten";
    }

    @Override
    public int build(int inputWidth, BuildContext ctx) {
        if (in != null) {
            Shapes.requireWidth(this, in, inputWidth);
        }
        return inputWidth;
    }

    @Override
    public Tensor forward(Tensor input, Mode mode) {
        lastInput = input;
        return input;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        return gradOutput;
    }

    @Override
    public Tensor lastInput() {
        return lastInput;
    }

    @Override
    public Tensor lastOutput() {
        return lastInput;
    }
}
