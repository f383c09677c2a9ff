package io.gradlab.api.train;

/**
 * The learning rate over a run, as a factor of the optimizer's configured rate. The engine sets
 * {@code lr = configured * factor} before every optimizer step; the factors of the schedules a spec
 * lists multiply, so a linear warm-up followed by a cosine decay is two schedules. A schedule is a
 * function of the step alone: the step count a checkpoint holds is all its state, and a resumed run
 * continues with exactly the rates of an uninterrupted one.
 */
public interface LearningRateSchedule {
    /**
     * The factor for one optimizer step; must not allocate.
     *
     * @param step          the step about to be taken, counted from 0 over the whole run
     * @param stepsPerEpoch the optimizer steps in one epoch
     * @param totalSteps    the steps the run plans: epochs times {@code stepsPerEpoch}
     */
    double factor(long step, int stepsPerEpoch, long totalSteps);
}
