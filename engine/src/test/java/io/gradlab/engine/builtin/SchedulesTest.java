package io.gradlab.engine.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.train.LearningRateSchedule;
import org.junit.jupiter.api.Test;

class SchedulesTest {
    private static final int STEPS_PER_EPOCH = 10;
    private static final long TOTAL = 100;

    @Test
    void stepDecaysByGammaAtEachBoundaryAndNowhereElse() {
        LearningRateSchedule s = Schedules.step(3, 0.5);
        assertThat(s.factor(0, STEPS_PER_EPOCH, TOTAL)).isEqualTo(1);
        assertThat(s.factor(29, STEPS_PER_EPOCH, TOTAL)).isEqualTo(1);
        assertThat(s.factor(30, STEPS_PER_EPOCH, TOTAL)).isEqualTo(0.5);
        assertThat(s.factor(59, STEPS_PER_EPOCH, TOTAL)).isEqualTo(0.5);
        assertThat(s.factor(60, STEPS_PER_EPOCH, TOTAL)).isEqualTo(0.25);
    }

    @Test
    void cosineFallsMonotonicallyFromOneToItsMinimum() {
        LearningRateSchedule s = Schedules.cosine(0.2, 0);
        assertThat(s.factor(0, STEPS_PER_EPOCH, TOTAL)).isEqualTo(1);
        assertThat(s.factor(TOTAL / 2, STEPS_PER_EPOCH, TOTAL)).isCloseTo(0.6, within(1e-12));
        assertThat(s.factor(TOTAL, STEPS_PER_EPOCH, TOTAL)).isCloseTo(0.2, within(1e-12));
        assertThat(s.factor(TOTAL + 50, STEPS_PER_EPOCH, TOTAL)).as("past the end it stays at the minimum").isCloseTo(0.2, within(1e-12));
        for (long step = 1; step <= TOTAL; step++) {
            assertThat(s.factor(step, STEPS_PER_EPOCH, TOTAL)).isLessThan(s.factor(step - 1, STEPS_PER_EPOCH, TOTAL));
        }
    }

    @Test
    void cosineWithAStartEpochWaitsForTheWarmUp() {
        LearningRateSchedule s = Schedules.cosine(0, 2);
        assertThat(s.factor(19, STEPS_PER_EPOCH, TOTAL)).isEqualTo(1);
        assertThat(s.factor(20, STEPS_PER_EPOCH, TOTAL)).isEqualTo(1);
        assertThat(s.factor(60, STEPS_PER_EPOCH, TOTAL)).isCloseTo(0.5, within(1e-12));
        assertThat(s.factor(TOTAL, STEPS_PER_EPOCH, TOTAL)).isCloseTo(0, within(1e-12));
    }

    @Test
    void linearWarmUpRisesToOneOverItsEpochsThenStays() {
        LearningRateSchedule s = Schedules.linearWarmup(1.5, 0.1);
        assertThat(s.factor(0, STEPS_PER_EPOCH, TOTAL)).isCloseTo(0.1 + 0.9 / 15, within(1e-12));
        assertThat(s.factor(14, STEPS_PER_EPOCH, TOTAL)).isCloseTo(1, within(1e-12));
        assertThat(s.factor(15, STEPS_PER_EPOCH, TOTAL)).isEqualTo(1);
        for (long step = 1; step < 15; step++) {
            assertThat(s.factor(step, STEPS_PER_EPOCH, TOTAL)).isGreaterThan(s.factor(step - 1, STEPS_PER_EPOCH, TOTAL));
        }
    }
}
