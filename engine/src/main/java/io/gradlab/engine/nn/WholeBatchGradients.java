package io.gradlab.engine.nn;

import io.gradlab.api.tensor.Tensor;

/**
 * A layer whose parameter gradients are products over the batch's rows of its input and its output gradient (a
 * dense layer's {@code dY^T X} and the column sums of {@code dY}), so that they can be computed once over a whole
 * batch. A training step split by rows over copies of the model has each copy only hand its rows' input and output
 * gradient to a {@link Sink}, and then computes each such layer's gradients over all rows, once, on one thread: no
 * product per row range (at 32 rows BLAS spends three quarters of the whole batch's time on each half) and no sum of
 * the copies' gradients. The gradients are then the same product as one thread computes for the whole batch.
 */
public interface WholeBatchGradients {
    /**
     * From now on, each backward pass offers its input and output gradient to {@code sink} and adds the parameter
     * gradients only if the sink does not take them ({@code null}: adds them always, the default).
     */
    void deferParameterGradients(Sink sink);

    /** Sets the parameter gradients to those of a batch's {@code input} and {@code gradOutput}, overwriting them. */
    void setParameterGradients(Tensor input, Tensor gradOutput);

    /** The width of the input (the columns of an input). */
    int inputWidth();

    /** The width of the output (the columns of an output gradient). */
    int outputWidth();

    /** The multiply-adds of the parameter gradients per row (to share the layers out evenly over threads). */
    long gradientWork();

    /** Takes a backward pass's input and output gradient, which stay valid until the layer's next pass, or declines. */
    @FunctionalInterface
    interface Sink {
        /** Whether it took them (the layer then adds no parameter gradients of this pass). */
        boolean take(Tensor input, Tensor gradOutput);
    }
}
