package io.gradlab.cli.study;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.engine.train.DivergenceException;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Listens to one run of a study: keeps its run folder and the epochs finished so far (what a study reports
 * for a run that diverges or stops), and hands each epoch on for the progress line.
 */
final class StudyRunListener implements TrainingListener {
    private final List<EpochMetrics> history = new ArrayList<>();
    private final Consumer<EpochMetrics> onEpoch;
    private Path runDir;

    StudyRunListener(Consumer<EpochMetrics> onEpoch) {
        this.onEpoch = requireNonNull(onEpoch, "onEpoch is null");
    }

    @Override
    public void onStart(RunInfo info) {
        runDir = info.runDir();
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        history.add(m);
        onEpoch.accept(m);
    }

    /** The epochs finished so far. */
    List<EpochMetrics> history() {
        return history;
    }

    /** The run folder, or null before the run started. */
    Path runDir() {
        return runDir;
    }

    /** A run's status after this failure: diverged, stopped (a numeric stop) or failed. */
    static String failureStatus(GradlabException e) {
        if (e instanceof DivergenceException) {
            return "diverged";
        }
        return e.category() == GradlabException.Category.NUMERIC ? "stopped" : "failed";
    }
}
