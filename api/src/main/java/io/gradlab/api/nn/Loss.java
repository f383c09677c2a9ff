package io.gradlab.api.nn;

import io.gradlab.api.tensor.Tensor;

/**
 * A loss over a batch, averaged over its rows. For classification the target is {@code [batch, 1]}
 * holding class indices; for regression it has the output's shape.
 */
public interface Loss {
    /** The mean loss of {@code output} against {@code target}. */
    double forward(Tensor output, Tensor target);

    /** Writes dMeanLoss/dOutput into {@code gradOutput} (same shape as {@code output}). */
    void backward(Tensor output, Tensor target, Tensor gradOutput);
}
