package io.gradlab.api.nn;

import io.gradlab.api.tensor.Tensor;
import java.util.List;

/**
 * A differentiable module working on matrices {@code [batch, features]}.
 *
 * <p>Lifecycle: {@link #build} once with the input width (allocates and initializes parameters),
 * then any number of {@link #forward} / {@link #backward} pairs. {@code backward} returns the
 * gradient with respect to the input of the last {@code forward} and <em>adds</em> the parameter
 * gradients into each {@link Parameter#grad()}. Returned tensors are buffers owned by the layer,
 * valid until its next call; a layer allocates nothing per batch once it has seen a batch size.
 *
 * <p>Most implementations extend {@link AbstractLayer}, which provides this lifecycle as template
 * methods (in the manner of Torch's {@code updateOutput} / {@code updateGradInput} /
 * {@code accGradParameters}).
 */
public interface Layer {
    /** The name in diagnostics and error messages ({@code hidden3}). */
    String name();

    /** A short type name ({@code dense}, {@code sigmoid}, {@code batch-norm}). */
    String type();

    /** Allocates and initializes parameters for inputs of {@code inputWidth} features; returns the output width. */
    int build(int inputWidth, BuildContext ctx);

    /**
     * The shape of one output sample once built, e.g. {@code [channels, height, width]} for a layer whose output is
     * images (row-major, as {@code Dataset.sampleShape()}); {@code null} (the default) when only the flat width is known.
     */
    default int[] sampleShape() {
        return null;
    }

    Tensor forward(Tensor input, Mode mode);

    /** Returns dLoss/dInput (or {@code null} when the input gradient is not required) and accumulates parameter gradients. */
    Tensor backward(Tensor gradOutput);

    /** The parameters of this layer alone (not of its children). */
    default List<Parameter> parameters() {
        return List.of();
    }

    /**
     * The state tensors of this layer alone (not of its children) that are not learned by gradient
     * but change what the layer computes, in a fixed order: the running mean and variance of batch
     * normalization (and its count of training batches, PyTorch's {@code num_batches_tracked}, kept with
     * them). Checkpoints save and restore them and weight export writes them; none by default.
     */
    default List<Tensor> buffers() {
        return List.of();
    }

    /** The sub-layers of a container, in forward order. */
    default List<Layer> children() {
        return List.of();
    }

    /**
     * Whether {@link #backward} computes the true derivative of {@link #forward}. A layer that
     * deliberately rewrites the gradient (gradient normalisation) says {@code false}, and gradient
     * checks skip it instead of failing.
     */
    default boolean exactGradient() {
        return true;
    }

    /**
     * Whether the batch's rows are independent in this layer: output row {@code i} depends only on input row
     * {@code i} and the parameters, the parameter gradients of a backward pass are sums over the rows, and
     * nothing but the parameters carries over from one pass to the next (no batch statistics, no random masks), and
     * the layer reads its parameters through {@link Parameter#value()} at each pass (a copy shares them).
     * Then the engine may split a training batch by rows over its kernel threads, each range running through
     * its own copy of the model, and add the copies' gradients in a fixed order (data parallelism inside one
     * step: one hand-over per step instead of one per kernel call). A container answers for all its layers.
     * {@code false} (the default) keeps the whole batch in one pass.
     */
    default boolean independentRows() {
        return false;
    }

    /** Whether the rows of every one of {@code layers} are independent: what a container answers for {@link #independentRows()}. */
    static boolean allIndependentRows(List<? extends Layer> layers) {
        for (Layer layer : layers) {
            if (!layer.independentRows()) {
                return false;
            }
        }
        return true;
    }

    /** The engine turns this off for the first layer, whose input gradient nobody reads. */
    default void setInputGradientRequired(boolean required) {}

    /**
     * Adds a hook that sees this layer's forward and backward passes, after the hooks added before it;
     * returns whether the layer calls hooks. Layers built on {@link AbstractLayer} do; others return
     * {@code false} by default. The engine's own measurements (the back-propagated signal of
     * diagnostics) are hooks too, so a user's hooks and the diagnostics see the same tensors.
     */
    default boolean addHook(LayerHook hook) {
        return false;
    }

    /** Removes {@code hook} (added with {@link #addHook}); nothing if it is not there. */
    default void removeHook(LayerHook hook) {}

    /** The input of the last forward pass, for diagnostics ({@code null} before the first). */
    default Tensor lastInput() {
        return null;
    }

    /** The output of the last forward pass, for diagnostics ({@code null} before the first). */
    default Tensor lastOutput() {
        return null;
    }
}
