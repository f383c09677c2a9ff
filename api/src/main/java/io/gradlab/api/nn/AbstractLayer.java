package io.gradlab.api.nn;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;

/**
 * The usual base of a layer. {@link #forward} remembers the input and calls
 * {@link #updateOutput}; {@link #backward} calls {@link #updateGradInput} (unless the input
 * gradient is not required) and then {@link #accGradParameters}. Output and input-gradient buffers
 * are kept per batch size, so that nothing is allocated once the batch sizes of an epoch were seen.
 */
public abstract class AbstractLayer implements Layer {
    private final String name;
    private final String type;
    protected Ops ops;
    protected DType dtype;
    protected int inputWidth;
    protected int outputWidth;
    protected boolean inputGradientRequired = true;
    private boolean built;
    /** The hooks, in the order they were added; an empty array (no call, no allocation) without any. */
    private volatile LayerHook[] hooks = NO_HOOKS;
    private static final LayerHook[] NO_HOOKS = {};
    private Tensor input;
    private Tensor output;
    private final BufferCache outputs = new BufferCache();
    private final BufferCache gradInputs = new BufferCache();
    /** Where forward passes put their output; {@link #outputs} unless {@link #setOutputBuffers} chose others. */
    private volatile Buffers outputBuffers = outputs;

    protected AbstractLayer(String name, String type) {
        this.name = requireNonNull(name, "name is null");
        this.type = requireNonNull(type, "type is null");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String type() {
        return type;
    }

    /**
     * Builds the layer; building again with the same input width keeps the parameters (so that an
     * already trained layer can be placed in a new container), with another width it fails.
     */
    @Override
    public final int build(int inputWidth, BuildContext ctx) {
        if (built) {
            if (inputWidth != this.inputWidth) {
                throw new GradlabException(GradlabException.Category.SPEC, "layer '" + name + "' (" + type
                        + ") was built for " + this.inputWidth + " input features and cannot take " + inputWidth);
            }
            return outputWidth;
        }
        if (inputWidth <= 0) {
            throw new GradlabException(GradlabException.Category.SPEC,
                    "layer '" + name + "' (" + type + ") got input width " + inputWidth + "; it must be positive");
        }
        this.ops = ctx.ops();
        this.dtype = ctx.dtype();
        this.inputWidth = inputWidth;
        this.outputWidth = onBuild(inputWidth, ctx);
        this.built = true;
        return outputWidth;
    }

    /** Allocates parameters; returns the output width. */
    protected abstract int onBuild(int inputWidth, BuildContext ctx);

    @Override
    public final Tensor forward(Tensor input, Mode mode) {
        if (input.cols() != inputWidth) {
            throw new GradlabException(GradlabException.Category.SPEC, "layer '" + name + "' (" + type + ") expects "
                    + inputWidth + " input features but got " + input.cols());
        }
        this.input = input;
        this.output = outputBuffers.get(dtype, input.rows(), outputWidth);
        updateOutput(input, output, mode);
        LayerHook[] h = hooks;
        for (int i = 0; i < h.length; i++) {
            h[i].afterForward(this, input, output, mode);
        }
        return output;
    }

    @Override
    public final Tensor backward(Tensor gradOutput) {
        if (input == null) {
            throw new IllegalStateException("layer '" + name + "': backward before forward");
        }
        Tensor gradInput = null;
        if (inputGradientRequired) {
            gradInput = gradInputs.get(dtype, input.rows(), inputWidth);
            updateGradInput(input, gradOutput, gradInput);
        }
        accGradParameters(input, gradOutput);
        LayerHook[] h = hooks;
        for (int i = 0; i < h.length; i++) {
            h[i].afterBackward(this, gradOutput, gradInput);
        }
        return gradInput;
    }

    /** Computes the output of {@code input} into {@code output} ({@code [batch, outputWidth]}). */
    protected abstract void updateOutput(Tensor input, Tensor output, Mode mode);

    /** Computes dLoss/dInput into {@code gradInput}, overwriting it. */
    protected abstract void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput);

    /** Adds the parameter gradients into each {@link Parameter#grad()}; nothing by default. */
    protected void accGradParameters(Tensor input, Tensor gradOutput) {}

    @Override
    public final synchronized boolean addHook(LayerHook hook) {
        requireNonNull(hook, "hook is null");
        LayerHook[] more = java.util.Arrays.copyOf(hooks, hooks.length + 1);
        more[hooks.length] = hook;
        hooks = more;
        return true;
    }

    @Override
    public final synchronized void removeHook(LayerHook hook) {
        for (int i = 0; i < hooks.length; i++) {
            if (hooks[i] == hook) {
                LayerHook[] fewer = new LayerHook[hooks.length - 1];
                System.arraycopy(hooks, 0, fewer, 0, i);
                System.arraycopy(hooks, i + 1, fewer, i, hooks.length - i - 1);
                hooks = fewer.length == 0 ? NO_HOOKS : fewer;
                return;
            }
        }
    }

    @Override
    public void setInputGradientRequired(boolean required) {
        this.inputGradientRequired = required;
    }

    @Override
    public Tensor lastInput() {
        return input;
    }

    @Override
    public Tensor lastOutput() {
        return output;
    }

    /**
     * Makes forward passes write their output into the buffers {@code buffers} gives (null: this layer's own, one
     * per batch size, the default). The engine uses it to have the copies of a model that train row ranges of one
     * batch side by side write their outputs into the rows of one buffer, which diagnostics then read whole.
     * Since API 2.4.
     */
    public final void setOutputBuffers(Buffers buffers) {
        this.outputBuffers = buffers == null ? outputs : buffers;
    }

    /** The output buffer of the last forward pass (for backward passes that need it). */
    protected final Tensor output() {
        return output;
    }

    @Override
    public String toString() {
        return name + " (" + type + ")";
    }

    /** Gives a layer the {@code [rows, cols]} buffer its forward pass writes its output into. Since API 2.4. */
    @FunctionalInterface
    public interface Buffers {
        /** A {@code [rows, cols]} buffer of the given type; the same one each time the same shape is asked for, once warm. */
        Tensor get(DType dtype, int rows, int cols);
    }

    /** A few matrix buffers kept by row count (batch size): no allocation in the steady state. */
    public static final class BufferCache implements Buffers {
        private final Tensor[] slots = new Tensor[8];
        private int next;

        /** A {@code [rows, cols]} buffer of the given type, reused when one of that shape exists. */
        @Override
        public Tensor get(DType dtype, int rows, int cols) {
            for (Tensor t : slots) {
                if (t != null && t.rows() == rows && t.cols() == cols && t.dtype() == dtype && t.rank() == 2) {
                    return t;
                }
            }
            Tensor t = Tensor.zeros(dtype, rows, cols);
            slots[next] = t;
            next = (next + 1) % slots.length;
            return t;
        }
    }
}
