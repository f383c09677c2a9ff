package io.gradlab.api.train;

import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.ModelBuilder;
import java.util.Map;

/** What the engine offers a {@link TrainingStrategy}. */
public interface TrainingControl {
    /** The number of epochs the spec asks for. */
    int epochs();

    /** The builder for new layers (heads, blocks). */
    ModelBuilder builder();

    /** The current model. */
    Layer model();

    /** Builds {@code model} for the data's input width (already built layers keep their weights) and makes it current; the optimizer is re-bound to its trainable parameters. */
    void setModel(Layer model);

    /** Trains the current model for one epoch and records its metrics, tagged with {@code stage} ({@code null} for none). */
    void trainEpoch(String stage);

    /** Records extra figures about the strategy in the current epoch's metrics. */
    void record(Map<String, Object> values);
}
