package io.gradlab.api.train;

/** Decides how the epochs of a run are spent: plain training, or staged layer-wise training. */
public interface TrainingStrategy {
    void run(TrainingControl control);

    /**
     * Whether an interrupted run of this strategy can resume from its last checkpoint. Resuming calls
     * {@link #run} again on a freshly built model: {@link TrainingControl#trainEpoch} returns at once
     * for the epochs already trained, and at the last of them the model and optimizer take the
     * checkpoint's state. Return {@code true} only when {@code run} makes the same calls
     * ({@code setModel}, freezing parameters, {@code trainEpoch}, {@code record}) in the same order
     * whatever the trained values are; {@code false} (the default) makes {@code gradlab run --resume}
     * refuse such a run with a clear message.
     */
    default boolean resumable() {
        return false;
    }
}
