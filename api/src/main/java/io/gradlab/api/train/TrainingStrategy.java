package io.gradlab.api.train;

/** Decides how the epochs of a run are spent: plain training, or staged layer-wise training. */
public interface TrainingStrategy {
    void run(TrainingControl control);
}
