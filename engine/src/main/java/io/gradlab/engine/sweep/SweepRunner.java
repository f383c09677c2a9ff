package io.gradlab.engine.sweep;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecWriter;
import io.gradlab.engine.run.Json;
import io.gradlab.engine.run.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a validated sweep plan: records the plan ({@code sweep.json}), leaves out the trials an earlier
 * run of the sweep finished, hands the others to an executor, and writes the gathered tables
 * ({@code results.csv}, {@code results-grouped.csv}, {@code results.md}) into the sweep folder.
 */
public final class SweepRunner {
    public static final String PLAN = "sweep.json";
    public static final String RESULTS_CSV = "results.csv";
    public static final String GROUPED_CSV = "results-grouped.csv";
    public static final String RESULTS_MD = "results.md";

    /**
     * What a sweep run gave.
     *
     * @param sweepDir the local folder holding the tables
     * @param reused   how many trials an earlier run had finished
     */
    public record Outcome(SweepPlan plan, ResultTable table, List<TrialResult> results, Path sweepDir, int reused) {
        public long completed() {
            return results.stream().filter(TrialResult::completed).count();
        }

        public List<TrialResult> notCompleted() {
            return results.stream().filter(r -> !r.completed()).toList();
        }
    }

    private SweepRunner() {}

    /**
     * @param resolved  each trial's resolved spec, from {@link SweepPlan#validate}
     * @param sweepDir  the local folder for the sweep's own files
     */
    public static Outcome run(SweepPlan plan, Map<String, ExperimentSpec> resolved, SweepExecutor executor, SweepJob job,
                              Path sweepDir, TrialListener listener) {
        requireNonNull(plan, "plan is null");
        requireNonNull(resolved, "resolved is null");
        requireNonNull(executor, "executor is null");
        requireNonNull(job, "job is null");
        requireNonNull(sweepDir, "sweepDir is null");
        requireNonNull(listener, "listener is null");
        write(sweepDir.resolve(PLAN), planJson(plan, job));
        Map<String, TrialResult> results = new LinkedHashMap<>();
        List<Trial> pending = new ArrayList<>();
        Optional<Path> trialsDir = job.localTrials();
        for (Trial t : plan.trials()) {
            Optional<Path> done = trialsDir.flatMap(dir -> {
                ExperimentSpec spec = resolved.get(t.id());
                return spec == null ? Optional.empty() : TrialFolders.finished(dir.resolve(t.id()), SpecWriter.toYaml(spec));
            });
            if (done.isPresent()) {
                results.put(t.id(), new TrialResult(t.id(), "completed", done.get().toString(), TrialFolders.figures(done.get()), null, true));
            } else {
                pending.add(t);
            }
        }
        int reused = results.size();
        listener.planned(pending.size(), reused);
        if (!pending.isEmpty()) {
            List<TrialResult> ran = executor.run(pending, job, listener);
            for (TrialResult r : ran) {
                results.put(r.trialId(), r);
            }
        }
        List<TrialResult> ordered = plan.trials().stream()
                .map(t -> results.getOrDefault(t.id(), TrialResult.failed(t.id(), "the executor returned no result"))).toList();
        ResultTable table = ResultTable.of(plan, ordered);
        write(sweepDir.resolve(RESULTS_CSV), table.csv());
        write(sweepDir.resolve(GROUPED_CSV), table.groupedCsv());
        write(sweepDir.resolve(RESULTS_MD), table.markdown("Sweep " + plan.sweep().name()));
        int reusedCount = (int) ordered.stream().filter(TrialResult::reused).count();
        return new Outcome(plan, table, ordered, sweepDir, Math.max(reused, reusedCount));
    }

    private static String planJson(SweepPlan plan, SweepJob job) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", plan.sweep().name());
        out.put("description", plan.sweep().description());
        out.put("sweep_file", plan.sweep().file().toString());
        out.put("trials_location", job.trials());
        List<Map<String, Object>> trials = new ArrayList<>();
        for (Trial t : plan.trials()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t.id());
            m.put("spec", t.specSource());
            m.put("axes", t.axisValues());
            m.put("overrides", t.overrides());
            trials.add(m);
        }
        out.put("trials", trials);
        return Json.pretty(out);
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot create the sweep folder " + file.getParent() + ": " + e.getMessage()
                    + "; choose another place with --out DIR", e);
        }
        RunFolder.writeAtomically(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
