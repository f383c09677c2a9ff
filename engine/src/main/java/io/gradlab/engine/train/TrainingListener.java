package io.gradlab.engine.train;

/** Progress callbacks for a user interface; all methods do nothing by default. */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {};

    /** The run is about to train: {@code stepsPerEpoch} batches per epoch. */
    default void onStart(RunInfo info) {}

    /** After each optimizer step, with running figures of the current epoch. */
    default void onStep(int epoch, int step, int stepsPerEpoch, double runningLoss, double runningAccuracy, double samplesPerSecond) {}

    default void onEpoch(EpochMetrics metrics) {}

    /** Information about a starting run. */
    record RunInfo(String name, java.nio.file.Path runDir, int epochs, int stepsPerEpoch, int trainSamples, String backend, String data) {}
}
