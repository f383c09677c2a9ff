package io.gradlab.engine.train;

/**
 * Where a {@link TrainingSession} hands each finished epoch: called once per trained epoch, while the
 * session still holds that epoch's state (so that {@link TrainingSession#checkpoint} is the state at
 * the end of it), before {@link TrainingListener#onEpoch}.
 */
@FunctionalInterface
public interface EpochSink {
    void epochFinished(EpochMetrics metrics, TrainingSession session);
}
