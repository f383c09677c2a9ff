package io.gradlab.api.nn;

import io.gradlab.api.tensor.Tensor;

/**
 * Sees a layer's passes, in the manner of PyTorch's {@code register_forward_hook} and
 * {@code register_full_backward_hook}: {@link #afterForward} with the layer's output {@code a},
 * {@link #afterBackward} with {@code dL/da} and {@code dL/dx}. The tensors are the layer's own
 * buffers, valid until its next pass: read them or copy them, never keep or change them. A layer
 * with no hook set pays nothing.
 */
public interface LayerHook {
    /** After {@code layer} computed {@code output} from {@code input}. */
    default void afterForward(Layer layer, Tensor input, Tensor output, Mode mode) {}

    /**
     * After {@code layer}'s backward pass.
     *
     * @param gradOutput dL/da, the gradient of the loss with respect to the layer's output
     * @param gradInput  dL/dx, with respect to its input; {@code null} when the input gradient is not required (the first layer)
     */
    default void afterBackward(Layer layer, Tensor gradOutput, Tensor gradInput) {}
}
