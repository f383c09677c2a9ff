package io.gradlab.api.nn;

import io.gradlab.api.tensor.Ops;
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

    /**
     * A training step's loss and gradient together: what {@link #forward} then {@link #backward} give
     * (the engine calls this). Override it to share work between the two (each exponential once) or
     * to split the rows over the kernels' threads with {@link Ops#parallelFor}.
     */
    default double forwardBackward(Tensor output, Tensor target, Tensor gradOutput, Ops ops) {
        double loss = forward(output, target);
        backward(output, target, gradOutput);
        return loss;
    }
}
