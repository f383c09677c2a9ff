package io.gradlab.engine.sweep;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs a sweep's trials somewhere (a local thread pool, a Spark cluster) and returns their results.
 * Each trial runs through {@link TrialRunner}, so it skips a finished trial and records a failure
 * instead of throwing. Executors other than the built-in {@code local} one come from
 * {@link SweepExecutorProvider}s found with {@link java.util.ServiceLoader}.
 */
public interface SweepExecutor {
    /**
     * Runs the trials; returns one result per trial, in the trials' order.
     *
     * @throws io.gradlab.api.GradlabException when the executor itself fails (cannot reach a cluster, is interrupted)
     */
    List<TrialResult> run(List<Trial> trials, SweepJob job, TrialListener listener);

    /**
     * Copies the sweep's own files (tables, report), written in {@code localDir}, to {@code location}
     * when that is a URI this executor can write (a Hadoop filesystem).
     *
     * @return whether it did; the default cannot
     */
    default boolean publish(Path localDir, String location) {
        return false;
    }
}
