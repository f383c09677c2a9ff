package io.gradlab.api.train;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * Looks at the figures of every finished epoch and may end the run or keep the model as the run's
 * best: early stopping, best checkpoints. Its state (best value, epochs without improvement) is
 * written into every checkpoint through {@link #state()} and given back with {@link #restore} when
 * a run resumes, so that a resumed run stops at the same epoch as an uninterrupted one.
 */
public interface TrainingCallback {
    /** The figures of an epoch the callbacks can read ({@link Epoch#value}). */
    List<String> FIGURES = List.of("val-loss", "val-accuracy", "train-loss", "train-accuracy");

    /** Called after every epoch, before its checkpoint is written. */
    void afterEpoch(Epoch epoch, Actions actions);

    /** The figures of {@link #FIGURES} this callback reads: the run refuses to start when one is missing (no validation set). */
    default List<String> figures() {
        return List.of();
    }

    /** The state to carry through a checkpoint; none by default. */
    default double[] state() {
        return new double[0];
    }

    /** Takes back a {@link #state()} when a run resumes from a checkpoint. */
    default void restore(double[] state) {}

    /**
     * One finished epoch.
     *
     * @param epoch  its number, from 1
     * @param values the figures by name ({@link #FIGURES}); a figure the run does not measure is absent
     */
    record Epoch(int epoch, Map<String, Double> values) {
        public Epoch {
            values = Map.copyOf(requireNonNull(values, "values is null"));
        }

        /** The figure {@code name}, or {@code NaN} when the run does not measure it. */
        public double value(String name) {
            Double v = values.get(name);
            return v == null ? Double.NaN : v;
        }
    }

    /** What a callback may ask of the run. */
    interface Actions {
        /** Ends the run after this epoch; {@code reason} goes into {@code summary.json}. */
        void stop(String reason);

        /** Keeps the model of this epoch as the run's best ({@code best.safetensors}); {@code figure} and {@code value} say why. */
        void keepBest(String figure, double value);
    }
}
