package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.TrainingListener;
import java.nio.file.Path;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What {@code gradlab run} shows while training: a header, then per epoch a progress bar (loss,
 * accuracy and samples/s so far, and the time left of the whole run; only when stdout is a terminal)
 * replaced by the epoch's summary line
 * when the epoch ends. With {@code quiet} it shows nothing but still records the run folder.
 */
final class RunProgress implements TrainingListener, AutoCloseable {
    private final Console console;
    private final boolean quiet;
    private int plannedEpochs;
    private Path runDir;
    private int epochsDone;
    private ProgressBar bar;
    private int barEpoch = -1;
    private long firstStep = -1;
    private long firstStepNanos;

    private int resumedAfter = -1;

    RunProgress(Console console, boolean quiet) {
        this.console = requireNonNull(console, "console is null");
        this.quiet = quiet;
    }

    /** Makes the header say that the run resumes after {@code epoch} (its checkpoint's; 0: from the start). */
    RunProgress resumingAfter(int epoch) {
        this.resumedAfter = epoch;
        return this;
    }

    /** The run folder, once the run has started ({@code null} before). */
    Path runDir() {
        return runDir;
    }

    int epochsDone() {
        return epochsDone;
    }

    @Override
    public void onStart(RunInfo info) {
        plannedEpochs = info.epochs();
        runDir = info.runDir();
        if (quiet) {
            return;
        }
        var out = console.out();
        out.println(info.name() + ": " + info.data());
        out.println(info.epochs() + " epoch(s) of " + info.stepsPerEpoch() + " steps, BLAS " + info.backend()
                + (info.runDir() == null ? "" : ", run folder " + info.runDir()));
        if (resumedAfter > 0) {
            out.println("resuming from the checkpoint of epoch " + resumedAfter + " of " + info.epochs() + ": training epochs "
                    + (resumedAfter + 1) + " to " + info.epochs());
        } else if (resumedAfter == 0) {
            out.println("resuming from the start: the run has no checkpoint yet");
        }
        out.flush();
    }

    @Override
    public void onStep(int epoch, int step, int stepsPerEpoch, double runningLoss, double runningAccuracy, double samplesPerSecond) {
        if (quiet || !console.interactive()) {
            return;
        }
        if (bar == null || barEpoch != epoch) {
            closeBar();
            bar = new ProgressBarBuilder()
                    .setTaskName("epoch " + epoch + (plannedEpochs > 0 ? "/" + plannedEpochs : ""))
                    .setInitialMax(stepsPerEpoch)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250)
                    .hideEta() // the bar's own ETA is the epoch's; the extra message says the run's
                    .setConsumer(new TransientBarConsumer(console))
                    .build();
            barEpoch = epoch;
        }
        long done = (long) (epoch - 1) * stepsPerEpoch + step;
        long now = System.nanoTime();
        if (firstStep < 0) {
            firstStep = done;
            firstStepNanos = now;
        }
        bar.stepTo(step);
        bar.setExtraMessage("ETA " + eta(done - firstStep, (long) plannedEpochs * stepsPerEpoch - done, (now - firstStepNanos) / 1e9)
                + "  loss " + Numbers.fixed(runningLoss, 4) + " acc " + Numbers.fixed(runningAccuracy, 4) + " "
                + Numbers.rate(samplesPerSecond) + " samples/s");
    }

    /**
     * The time left of the run as {@code m:ss} or {@code h:mm:ss}, from the pace of the steps taken since
     * this process started ({@code --:--} before there is one).
     */
    static String eta(long stepsTaken, long stepsLeft, double seconds) {
        if (stepsTaken <= 0 || seconds <= 0) {
            return "--:--";
        }
        long left = Math.round(Math.max(0, stepsLeft) * seconds / stepsTaken);
        long h = left / 3600;
        long m = left / 60 % 60;
        long sec = left % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }

    @Override
    public void onEpoch(EpochMetrics metrics) {
        epochsDone++;
        closeBar();
        if (!quiet) {
            console.out().println(EpochLine.format(metrics, plannedEpochs));
            console.out().flush();
        }
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
            barEpoch = -1;
        }
    }

    @Override
    public void close() {
        closeBar();
    }
}
