package io.gradlab.api.train;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import java.util.List;

/**
 * Updates parameters from their gradients. {@link #bind} is called with the parameters to manage
 * (again whenever the model changes); {@link #step} updates every trainable one in place.
 */
public interface Optimizer {
    /** Takes the parameters to manage and allocates any state (moments) for them. */
    void bind(List<Parameter> parameters, Ops ops);

    /** One update of every trainable parameter from its gradient. */
    void step();

    double learningRate();

    /** Used by learning-rate schedules. */
    void setLearningRate(double learningRate);

    /** The optimizer's state tensors in a fixed order, for checkpoints (none by default). */
    default List<Tensor> state() {
        return List.of();
    }

    /** The number of steps taken, for checkpoints (bias correction in Adam depends on it). */
    default long steps() {
        return 0;
    }

    /** Restores the step count after loading {@link #state()} from a checkpoint. */
    default void restoreSteps(long steps) {}
}
