package io.gradlab.plugins.remedies.skip;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.AbstractLayer.BufferCache;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import java.util.List;

/**
 * A residual block {@code y = body(x) + shortcut(x)}: the shortcut is the identity when the body
 * keeps the width, otherwise a {@link Projection} (made when the block is built) or the shortcut
 * layer given. The backward pass routes the gradient into both paths and adds what they return.
 */
public final class Residual implements Layer {
    private final String name;
    private final Layer body;
    private Layer shortcut;
    private final BufferCache outputs = new BufferCache();
    private final BufferCache gradInputs = new BufferCache();
    private final Adder adder = new Adder();
    private DType dtype;
    private Ops ops;
    private int inputWidth = -1;
    private int outputWidth;
    private boolean inputGradientRequired = true;
    private Tensor lastInput;
    private Tensor lastOutput;

    /** @param shortcut the shortcut layer, or {@code null} for the identity (or an automatic projection when the widths differ) */
    public Residual(String name, Layer body, Layer shortcut) {
        this.name = requireNonNull(name, "name is null");
        this.body = requireNonNull(body, "body is null");
        this.shortcut = shortcut;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "residual";
    }

    @Override
    public int build(int inputWidth, BuildContext ctx) {
        if (this.inputWidth >= 0) {
            if (inputWidth != this.inputWidth) {
                throw new GradlabException(GradlabException.Category.SPEC, "residual '" + name + "' was built for " + this.inputWidth
                        + " input features and cannot take " + inputWidth);
            }
            return outputWidth;
        }
        int out = body.build(inputWidth, ctx);
        if (shortcut == null && out != inputWidth) {
            shortcut = new Projection(name + "-projection", out);
            shortcut.setInputGradientRequired(inputGradientRequired);
        }
        if (shortcut != null) {
            int s = shortcut.build(inputWidth, ctx);
            if (s != out) {
                throw new GradlabException(GradlabException.Category.SPEC, "residual '" + name + "': the body outputs " + out
                        + " features but the shortcut '" + shortcut.name() + "' outputs " + s + "; they are added, so they must match");
            }
        }
        this.dtype = ctx.dtype();
        this.ops = ctx.ops();
        this.inputWidth = inputWidth;
        this.outputWidth = out;
        return out;
    }

    @Override
    public Tensor forward(Tensor input, Mode mode) {
        lastInput = input;
        Tensor a = body.forward(input, mode);
        Tensor s = shortcut == null ? input : shortcut.forward(input, mode);
        Tensor y = outputs.get(dtype, input.rows(), outputWidth);
        adder.sum(ops, y, a, s);
        lastOutput = y;
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        Tensor gb = body.backward(gradOutput);
        Tensor gs = shortcut == null ? gradOutput : shortcut.backward(gradOutput);
        if (!inputGradientRequired) {
            return null;
        }
        Tensor g = gradInputs.get(dtype, gradOutput.rows(), inputWidth);
        adder.sum(ops, g, gb, gs);
        return g;
    }

    @Override
    public List<Layer> children() {
        return shortcut == null ? List.of(body) : List.of(body, shortcut);
    }

    @Override
    public void setInputGradientRequired(boolean required) {
        this.inputGradientRequired = required;
        body.setInputGradientRequired(required);
        if (shortcut != null) {
            shortcut.setInputGradientRequired(required);
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

    /** When the rows of every layer inside are (the sums of the skips keep rows apart). */
    @Override
    public boolean independentRows() {
        return Layer.allIndependentRows(children());
    }
}
