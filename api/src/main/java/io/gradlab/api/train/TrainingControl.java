package io.gradlab.api.train;

import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.ModelBuilder;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.Tensor;
import java.util.Map;
import java.util.function.Consumer;

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

    /** The kernels of the run (in its dtype), for a strategy that computes outside {@link #trainEpoch}. */
    default Ops ops() {
        throw new UnsupportedOperationException("this training control offers no kernels");
    }

    /** A random stream forked by {@code name} from the run's seed. */
    default RandomSource random(String name) {
        throw new UnsupportedOperationException("this training control offers no random streams");
    }

    /**
     * One pass over the training inputs without their labels, for an unsupervised phase (autoencoder
     * pretraining): calls {@code step} with each mini-batch {@code [batch, features]} of the run's batch
     * size, in a shuffle seeded by the run's seed and {@code phase}. The model and the optimizer are not
     * touched, no epoch is recorded; the tensor is valid during the call only.
     */
    default void forEachInputBatch(String phase, Consumer<Tensor> step) {
        throw new UnsupportedOperationException("this training control offers no unsupervised passes");
    }
}
