package io.gradlab.engine.builtin;

import static io.gradlab.api.ParameterSpec.integer;
import static io.gradlab.api.ParameterSpec.real;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.train.LearningRateSchedule;
import java.util.List;

/**
 * The learning-rate schedules: {@code step}, {@code cosine} and {@code linear-warmup}. Lengths are
 * in epochs (fractions allowed where it makes sense) and turn into steps with the run's steps per epoch.
 */
final class Schedules {
    private Schedules() {}

    static List<ComponentFactory<LearningRateSchedule>> factories() {
        return List.of(
                ComponentFactory.of(ComponentKind.LR_SCHEDULE, "step",
                        "multiply the learning rate by gamma every N epochs (PyTorch StepLR)",
                        List.of(integer("every", 10, "epochs between two decays").range(1, 1_000_000),
                                real("gamma", 0.1, "the factor of each decay").rangeExclusiveMin(0, 1)),
                        p -> step(p.getInt("every"), p.getDouble("gamma"))),
                ComponentFactory.of(ComponentKind.LR_SCHEDULE, "cosine",
                        "cosine decay from the configured rate to min-factor times it at the end of the run (PyTorch CosineAnnealingLR);"
                                + " start-epoch delays it, e.g. until a warm-up ends",
                        List.of(real("min-factor", 0.0, "the factor at the end of the run").range(0, 1),
                                real("start-epoch", 0.0, "the decay starts after this many epochs").range(0, 1e6)),
                        p -> cosine(p.getDouble("min-factor"), p.getDouble("start-epoch"))),
                ComponentFactory.of(ComponentKind.LR_SCHEDULE, "linear-warmup",
                        "raise the learning rate linearly from start-factor times it to the configured rate over the first epochs"
                                + " (PyTorch LinearLR); list cosine after it for warm-up then cosine decay",
                        List.of(real("epochs", 1.0, "the length of the warm-up in epochs").rangeExclusiveMin(0, 1e6),
                                real("start-factor", 0.0, "the factor before the first step").range(0, 1)),
                        p -> linearWarmup(p.getDouble("epochs"), p.getDouble("start-factor"))));
    }

    static LearningRateSchedule step(int every, double gamma) {
        return (step, stepsPerEpoch, totalSteps) -> Math.pow(gamma, step / ((long) every * stepsPerEpoch));
    }

    static LearningRateSchedule cosine(double minFactor, double startEpoch) {
        return (step, stepsPerEpoch, totalSteps) -> {
            long start = Math.round(startEpoch * stepsPerEpoch);
            if (step < start) {
                return 1;
            }
            double progress = Math.min(1, (double) (step - start) / Math.max(1, totalSteps - start));
            return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }

    /** Step {@code s} (from 0) of a warm-up of {@code W} steps takes {@code start + (1 - start) (s + 1) / W}; 1 after it. */
    static LearningRateSchedule linearWarmup(double epochs, double startFactor) {
        return (step, stepsPerEpoch, totalSteps) -> {
            long length = Math.max(1, Math.round(epochs * stepsPerEpoch));
            return step >= length ? 1 : startFactor + (1 - startFactor) * (step + 1) / length;
        };
    }
}
