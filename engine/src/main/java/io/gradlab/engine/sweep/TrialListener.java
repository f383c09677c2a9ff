package io.gradlab.engine.sweep;

/**
 * Progress of a sweep. Executors call it from their own threads (a pool thread, Spark's scheduler),
 * possibly concurrently: implementations synchronise themselves. All methods do nothing by default.
 */
public interface TrialListener {
    /** Before any trial runs: how many will run, and how many an earlier run of the sweep already finished. */
    default void planned(int pending, int reused) {}

    /** A trial starts (not called by executors that cannot tell, such as Spark's). */
    default void started(Trial trial) {}

    /** A trial finished, in whatever way (its result says how). */
    default void finished(Trial trial, TrialResult result) {}
}
