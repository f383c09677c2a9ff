package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.TrainingListener;
import java.nio.file.Path;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What {@code gradlab run} shows while training: a header, then per epoch a progress bar (loss,
 * accuracy and samples/s so far; only when stdout is a terminal) replaced by the epoch's summary line
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

    RunProgress(Console console, boolean quiet) {
        this.console = requireNonNull(console, "console is null");
        this.quiet = quiet;
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
                    .hideEta()
                    .setConsumer(new TransientBarConsumer(console))
                    .build();
            barEpoch = epoch;
        }
        bar.stepTo(step);
        bar.setExtraMessage("loss " + Numbers.fixed(runningLoss, 4) + " acc " + Numbers.fixed(runningAccuracy, 4) + " "
                + Numbers.rate(samplesPerSecond) + " samples/s");
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
