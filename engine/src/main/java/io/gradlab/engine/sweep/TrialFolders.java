package io.gradlab.engine.sweep;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.gradlab.engine.run.Json;
import io.gradlab.engine.run.RunFolder;
import io.gradlab.engine.run.RunFolders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The folder of one trial, {@code <sweep>/trials/<id>/}, holds {@code trial.json} and the trial's run
 * folders ({@code <id>-<timestamp>/}, one per attempt that was not resumed). Read only; never throws for a
 * damaged folder.
 */
public final class TrialFolders {
    public static final String TRIALS = "trials";
    public static final String TRIAL_FILE = "trial.json";
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

    private TrialFolders() {}

    /** The run folders in a trial folder, newest first (by the time stamp in their names, as {@link RunFolders} reads it). */
    public static List<Path> runs(Path trialDir) {
        try {
            List<Path> runs = new ArrayList<>(RunFolders.runsNamed(trialDir, trialDir.getFileName().toString()));
            Collections.reverse(runs);
            return runs;
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /**
     * The newest run of this trial that completed with exactly this resolved spec (a changed base spec
     * or {@code fixed} value means the trial runs again).
     */
    public static Optional<Path> finished(Path trialDir, String resolvedSpecYaml) {
        for (Path run : runs(trialDir)) {
            if (isComplete(run) && resolvedSpecYaml.equals(readOrNull(run.resolve(RunFolder.SPEC)))) {
                return Optional.of(run);
            }
        }
        return Optional.empty();
    }

    /**
     * The newest run of this trial that an interruption left unfinished with exactly this resolved spec
     * (no {@code summary.json}, or status {@code failed}), which {@link io.gradlab.engine.train.ExperimentRunner#resume}
     * can continue from its last checkpoint.
     */
    public static Optional<Path> resumable(Path trialDir, String resolvedSpecYaml) {
        return runs(trialDir).stream().findFirst()
                .filter(run -> RunFolders.isResumable(run) && resolvedSpecYaml.equals(readOrNull(run.resolve(RunFolder.SPEC))));
    }

    /** Whether the run folder's {@code summary.json} says {@code completed}. */
    public static boolean isComplete(Path runDir) {
        return RunFolders.isComplete(runDir);
    }

    /** The {@code status} of the run's {@code summary.json}, if it has a readable one. */
    public static Optional<String> status(Path runDir) {
        return RunFolders.status(runDir);
    }

    /** The run's {@code summary.json} (empty when missing or unreadable). */
    public static Map<String, Object> summary(Path runDir) {
        String text = readOrNull(runDir.resolve(RunFolder.SUMMARY));
        if (text == null) {
            return Map.of();
        }
        try {
            Map<String, Object> map = Json.mapper().readValue(text, MAP);
            return map == null ? Map.of() : map;
        } catch (IOException e) {
            return Map.of();
        }
    }

    /** A finished run's figures: its summary plus the first and last hidden layers' gradient norms of the last epoch. */
    public static Map<String, Object> figures(Path runDir) {
        Map<String, Object> figures = new LinkedHashMap<>(summary(runDir));
        String metrics = readOrNull(runDir.resolve(RunFolder.METRICS));
        if (metrics != null) {
            String[] lines = metrics.strip().split("\n");
            try {
                JsonNode last = Json.mapper().readTree(lines[lines.length - 1]);
                JsonNode layers = last.path("layers");
                if (layers.isArray() && layers.size() >= 3) {
                    figures.put("grad_norm_first", layers.get(0).path("grad_norm").asDouble(Double.NaN));
                    figures.put("grad_norm_last_hidden", layers.get(layers.size() - 2).path("grad_norm").asDouble(Double.NaN));
                }
            } catch (IOException e) {
                // a torn last line: no layer figures
            }
        }
        return normalize(figures);
    }

    /** The figures as JSON gives them back (so that figures from memory and from files compare equal). */
    static Map<String, Object> normalize(Map<String, Object> figures) {
        try {
            return Json.mapper().readValue(Json.line(figures), MAP);
        } catch (IOException e) {
            throw new IllegalStateException("cannot round-trip figures through JSON: " + e.getMessage(), e);
        }
    }

    private static String readOrNull(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
