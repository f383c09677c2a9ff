package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.engine.train.TrainingListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * One progress bar over a fixed amount of work ({@code gradlab doctor}'s probe steps, the charts of a
 * report), drawn only when stdout is a terminal and erased when done.
 */
final class ProbeProgress implements TrainingListener, AutoCloseable {
    private final Console console;
    private final String task;
    private final long total;
    private ProgressBar bar;
    private long done;

    ProbeProgress(Console console, String task, long total) {
        this.console = requireNonNull(console, "console is null");
        this.task = requireNonNull(task, "task is null");
        this.total = total;
    }

    @Override
    public void onStep(int epoch, int step, int stepsPerEpoch, double runningLoss, double runningAccuracy, double samplesPerSecond) {
        done++;
        update(done, total, "loss " + Numbers.fixed(runningLoss, 4));
    }

    /** Shows {@code done} of {@code total} with an extra message. */
    void update(long doneSoFar, long outOf, String message) {
        if (!console.interactive()) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(outOf).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250).hideEta().setConsumer(new TransientBarConsumer(console)).build();
        }
        bar.maxHint(outOf);
        bar.stepTo(Math.min(doneSoFar, outOf));
        bar.setExtraMessage(message);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
