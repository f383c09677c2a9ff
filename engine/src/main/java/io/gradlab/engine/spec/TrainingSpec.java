package io.gradlab.engine.spec;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.tensor.DType;
import java.util.List;

/**
 * The {@code training} section.
 *
 * @param epochs             passes over the training set ({@code >= 1})
 * @param batchSize          samples per step ({@code >= 1})
 * @param optimizer          the optimiser component; {@link #DEFAULT_OPTIMIZER} when the spec names none
 * @param gradientTransforms gradient transforms (clipping, normalisation) applied in order before the optimiser
 * @param strategy           the training strategy; {@link #DEFAULT_STRATEGY} when the spec names none
 * @param seed               the random seed; {@link #DEFAULT_SEED} when the spec gives none
 * @param dtype              the element type of training; {@link DType#F32} by default
 * @param threads            worker threads, {@code 0} for automatic (at most {@link #MAX_THREADS})
 * @param checkpoint         whether to write checkpoints; {@code true} by default
 * @param tensorboard        a folder (relative to the working directory, like {@code --out}) to write TensorBoard event files into while training, or {@code null}
 * @param lrSchedule         learning-rate schedules (kind {@code lr-schedule}); their factors multiply
 * @param callbacks          callbacks after every epoch (kind {@code callback}): early stopping, keeping the best weights
 * @param stepTimeout        seconds one training step (or evaluation) may take before the watchdog stops the run
 *                           ({@code training.step-timeout}, {@link #DEFAULT_STEP_TIMEOUT} by default)
 */
public record TrainingSpec(
        int epochs,
        int batchSize,
        ComponentSpec optimizer,
        List<ComponentSpec> gradientTransforms,
        ComponentSpec strategy,
        long seed,
        DType dtype,
        int threads,
        boolean checkpoint,
        String tensorboard,
        List<ComponentSpec> lrSchedule,
        List<ComponentSpec> callbacks,
        int stepTimeout) {

    public static final String DEFAULT_OPTIMIZER = "sgd";
    public static final String DEFAULT_STRATEGY = "standard";
    public static final long DEFAULT_SEED = 42;
    public static final DType DEFAULT_DTYPE = DType.F32;
    public static final int MAX_THREADS = 1024;
    /** Ten minutes: far more than any step of a model that fits this machine, short enough to notice a hang. */
    public static final int DEFAULT_STEP_TIMEOUT = 600;
    /** A week. */
    public static final int MAX_STEP_TIMEOUT = 7 * 24 * 3600;

    public TrainingSpec {
        requireNonNull(optimizer, "optimizer is null");
        gradientTransforms = List.copyOf(requireNonNull(gradientTransforms, "gradientTransforms is null"));
        requireNonNull(strategy, "strategy is null");
        requireNonNull(dtype, "dtype is null");
        lrSchedule = List.copyOf(requireNonNull(lrSchedule, "lrSchedule is null"));
        callbacks = List.copyOf(requireNonNull(callbacks, "callbacks is null"));
        if (epochs < 1) {
            throw new GradlabException(Category.SPEC, "training.epochs: expected a whole number >= 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new GradlabException(Category.SPEC, "training.batch-size: expected a whole number >= 1, got " + batchSize);
        }
        if (tensorboard != null && tensorboard.isBlank()) {
            throw new GradlabException(Category.SPEC, "training.tensorboard: expected a folder, got an empty text");
        }
        if (stepTimeout < 1 || stepTimeout > MAX_STEP_TIMEOUT) {
            throw new GradlabException(Category.SPEC, "training.step-timeout: expected seconds from 1 to " + MAX_STEP_TIMEOUT + ", got "
                    + stepTimeout);
        }
        if (threads < 0 || threads > MAX_THREADS) {
            throw new GradlabException(Category.SPEC,
                    "training.threads: expected a whole number from 0 (automatic) to " + MAX_THREADS + ", got " + threads);
        }
    }

    /** Training with the default step timeout. */
    public TrainingSpec(int epochs, int batchSize, ComponentSpec optimizer, List<ComponentSpec> gradientTransforms, ComponentSpec strategy,
                        long seed, DType dtype, int threads, boolean checkpoint, String tensorboard, List<ComponentSpec> lrSchedule,
                        List<ComponentSpec> callbacks) {
        this(epochs, batchSize, optimizer, gradientTransforms, strategy, seed, dtype, threads, checkpoint, tensorboard, lrSchedule, callbacks,
                DEFAULT_STEP_TIMEOUT);
    }

    /** Training without schedules and callbacks. */
    public TrainingSpec(int epochs, int batchSize, ComponentSpec optimizer, List<ComponentSpec> gradientTransforms, ComponentSpec strategy,
                        long seed, DType dtype, int threads, boolean checkpoint, String tensorboard, int stepTimeout) {
        this(epochs, batchSize, optimizer, gradientTransforms, strategy, seed, dtype, threads, checkpoint, tensorboard, List.of(), List.of(),
                stepTimeout);
    }

    /** Training without schedules and callbacks, with the default step timeout. */
    public TrainingSpec(int epochs, int batchSize, ComponentSpec optimizer, List<ComponentSpec> gradientTransforms, ComponentSpec strategy,
                        long seed, DType dtype, int threads, boolean checkpoint, String tensorboard) {
        this(epochs, batchSize, optimizer, gradientTransforms, strategy, seed, dtype, threads, checkpoint, tensorboard, DEFAULT_STEP_TIMEOUT);
    }

    /** Training without TensorBoard event files, schedules and callbacks. */
    public TrainingSpec(int epochs, int batchSize, ComponentSpec optimizer, List<ComponentSpec> gradientTransforms, ComponentSpec strategy,
                        long seed, DType dtype, int threads, boolean checkpoint) {
        this(epochs, batchSize, optimizer, gradientTransforms, strategy, seed, dtype, threads, checkpoint, null);
    }

    /** Training for {@code epochs} epochs of {@code batchSize} with every other setting at its default. */
    public static TrainingSpec of(int epochs, int batchSize) {
        return new TrainingSpec(epochs, batchSize, ComponentSpec.of(DEFAULT_OPTIMIZER), List.of(),
                ComponentSpec.of(DEFAULT_STRATEGY), DEFAULT_SEED, DEFAULT_DTYPE, 0, true);
    }
}
