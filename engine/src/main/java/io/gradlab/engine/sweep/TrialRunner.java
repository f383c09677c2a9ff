package io.gradlab.engine.sweep;

import static java.util.Objects.requireNonNull;

import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecWriter;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.run.Json;
import io.gradlab.engine.train.LayerMetrics;
import io.gradlab.engine.run.RunFolder;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.RunResult;
import io.gradlab.engine.train.TrainingListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one trial into its folder {@code <trialsDir>/<id>/}, the same way on every executor (a local
 * thread, a Spark task): a trial whose folder already holds a completed run of the same resolved spec
 * is not run again; one whose newest run of that spec was interrupted (killed, no {@code summary.json})
 * is resumed in that run folder from its last checkpoint; any other starts a new run folder. A trial
 * that fails is recorded with its error, never thrown.
 */
public final class TrialRunner {
    private final ExperimentRunner runner;

    public TrialRunner(ExperimentRunner runner) {
        this.runner = requireNonNull(runner, "runner is null");
    }

    public TrialResult run(Trial trial, Path trialsDir, Optional<Path> dataDir) {
        requireNonNull(trial, "trial is null");
        requireNonNull(trialsDir, "trialsDir is null");
        requireNonNull(dataDir, "dataDir is null");
        Path dir = trialsDir.resolve(trial.id());
        ExperimentSpec spec;
        String resolvedYaml;
        try {
            spec = trial.spec();
            resolvedYaml = SpecWriter.toYaml(runner.resolve(spec));
        } catch (RuntimeException e) {
            return TrialResult.failed(trial.id(), message(e));
        }
        Optional<Path> finished = TrialFolders.finished(dir, resolvedYaml);
        if (finished.isPresent()) {
            return new TrialResult(trial.id(), "completed", finished.get().toString(), TrialFolders.figures(finished.get()), null, true);
        }
        try {
            Files.createDirectories(dir);
            RunFolder.writeAtomically(dir.resolve(TrialFolders.TRIAL_FILE), describe(trial).getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return TrialResult.failed(trial.id(), "cannot create the trial folder " + dir + ": " + message(e));
        }
        Optional<Path> interrupted = TrialFolders.resumable(dir, resolvedYaml);
        List<Path> before = TrialFolders.runs(dir);
        try {
            RunResult result = interrupted.isPresent()
                    ? runner.resume(interrupted.get(), dataDir, TrainingListener.NONE)
                    : runner.run(spec, new RunOptions(dir, dataDir, true), TrainingListener.NONE);
            return new TrialResult(trial.id(), result.status(), String.valueOf(result.runDir()), figures(result), null, false);
        } catch (RuntimeException e) {
            // the run folder (when one was made) holds a summary.json with the status and the error
            Optional<Path> run = TrialFolders.runs(dir).stream().findFirst()
                    .filter(p -> !before.contains(p) || interrupted.filter(p::equals).isPresent());
            String status = run.flatMap(TrialFolders::status).filter(s -> !s.equals("completed")).orElse("failed");
            return new TrialResult(trial.id(), status, run.map(Path::toString).orElse(null),
                    run.map(TrialFolders::figures).orElse(Map.of()), message(e), false);
        }
    }

    private static Map<String, Object> figures(RunResult result) {
        Map<String, Object> figures = new LinkedHashMap<>(result.summary());
        EpochMetrics last = result.last();
        if (last != null && last.layers().size() >= 3) {
            List<LayerMetrics> layers = last.layers();
            figures.put("grad_norm_first", layers.get(0).gradNorm());
            figures.put("grad_norm_last_hidden", layers.get(layers.size() - 2).gradNorm());
        }
        return TrialFolders.normalize(figures);
    }

    private static String describe(Trial trial) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", trial.id());
        out.put("index", trial.index());
        out.put("spec", trial.specSource());
        out.put("axes", trial.axisValues());
        out.put("overrides", trial.overrides());
        return Json.pretty(out);
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
