package io.gradlab.engine.sweep;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one trial gave: its status, its run folder and its figures.
 *
 * @param trialId the trial's id
 * @param status  {@code completed}, {@code diverged}, {@code stopped} or {@code failed} (the run's status;
 *                {@code failed} also when the trial could not start)
 * @param runDir  the trial's run folder (a path, or a URI on a Hadoop filesystem), or {@code null} when none was made
 * @param figures the run's {@code summary.json} figures ({@code final_test_accuracy}, {@code grad_ratio_first_last},
 *                {@code epochs_to_50_percent}, ...) plus {@code grad_norm_first} and {@code grad_norm_last_hidden}
 *                of the last epoch; JSON values (text, numbers, booleans, null)
 * @param error   what went wrong, or {@code null}
 * @param reused  whether the trial was finished by an earlier run of the sweep and not run again
 */
public record TrialResult(String trialId, String status, String runDir, Map<String, Object> figures, String error, boolean reused)
        implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Figures that differ between two runs of the same trial (timing), left out when runs are compared. */
    public static final java.util.Set<String> TIMING_FIGURES = java.util.Set.of("seconds", "samples_per_second");

    public TrialResult {
        requireNonNull(trialId, "trialId is null");
        requireNonNull(status, "status is null");
        figures = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(figures, "figures is null")));
    }

    /** A trial that produced nothing: it failed before or while starting. */
    public static TrialResult failed(String trialId, String error) {
        return new TrialResult(trialId, "failed", null, Map.of(), error, false);
    }

    public boolean completed() {
        return status.equals("completed");
    }

    /** A numeric figure, or NaN when absent or not a number. */
    public double number(String key) {
        return figures.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** The figures without the timing ones: equal for two runs of the same trial with the same seed. */
    public Map<String, Object> comparableFigures() {
        Map<String, Object> out = new LinkedHashMap<>(figures);
        out.keySet().removeAll(TIMING_FIGURES);
        return out;
    }
}
