package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.TrainingListener;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The per-step watchdog: a command arms it with a timeout and a name for what it is doing (a training
 * step, the gradient check of one component), beats it at every step, and the thread that waits for
 * the command ({@link Main#execute}) stops waiting when a beat is overdue, naming the code the command
 * hangs in. Thread-safe: beaten by the command's thread, read by the waiting one.
 */
final class Watchdog {
    /** What was running, for how long it was allowed, and the run folder it trained into (if any). */
    record Expired(String activity, int seconds, Path runDir) {}

    private long deadline;
    private long timeoutNanos;
    private int seconds;
    private String activity;
    private Path runDir;
    private boolean armed;
    private int pendingSeconds;
    private String pendingActivity;

    /** Starts watching {@code activity}: it must beat at least every {@code seconds}. */
    synchronized void arm(int seconds, String activity) {
        if (seconds < 1) {
            throw new IllegalArgumentException("seconds must be at least 1, got " + seconds);
        }
        this.seconds = seconds;
        this.timeoutNanos = seconds * 1_000_000_000L;
        this.activity = requireNonNull(activity, "activity is null");
        this.deadline = System.nanoTime() + timeoutNanos;
        this.armed = true;
    }

    /**
     * Arms the watchdog when training starts ({@link TrainingListener#onStart} through {@link #beating}),
     * not before: loading the data and building the model are not steps.
     */
    synchronized void armOnStart(int seconds, String activity) {
        if (seconds < 1) {
            throw new IllegalArgumentException("seconds must be at least 1, got " + seconds);
        }
        this.pendingSeconds = seconds;
        this.pendingActivity = requireNonNull(activity, "activity is null");
    }

    private synchronized void started(Path dir) {
        this.runDir = dir;
        if (pendingActivity != null) {
            arm(pendingSeconds, pendingActivity);
            pendingActivity = null;
        } else {
            beat();
        }
    }

    /** A sign of progress: the next one is due within the timeout. */
    synchronized void beat() {
        if (armed) {
            deadline = System.nanoTime() + timeoutNanos;
        }
    }

    synchronized void disarm() {
        armed = false;
        pendingActivity = null;
    }

    /** The overdue activity, or empty while everything is on time (or nothing is watched). */
    synchronized Optional<Expired> expired() {
        if (!armed || System.nanoTime() - deadline < 0) {
            return Optional.empty();
        }
        return Optional.of(new Expired(activity, seconds, runDir));
    }

    /** {@code listener}, beating this watchdog at every step, epoch and start (and noting the run folder). */
    TrainingListener beating(TrainingListener listener) {
        requireNonNull(listener, "listener is null");
        return new TrainingListener() {
            @Override
            public void onStart(RunInfo info) {
                started(info.runDir());
                listener.onStart(info);
            }

            @Override
            public void onStep(int epoch, int step, int stepsPerEpoch, double runningLoss, double runningAccuracy, double samplesPerSecond) {
                beat();
                listener.onStep(epoch, step, stepsPerEpoch, runningLoss, runningAccuracy, samplesPerSecond);
            }

            @Override
            public void onEpoch(EpochMetrics metrics) {
                beat();
                listener.onEpoch(metrics);
            }
        };
    }
}
