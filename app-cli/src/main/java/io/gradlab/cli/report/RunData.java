package io.gradlab.cli.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.engine.run.Json;
import io.gradlab.engine.run.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One run folder as a report reads it: {@code summary.json} (may be missing for a run that was
 * killed), the lines of {@code metrics.jsonl} (a torn last line is skipped), and the description
 * from {@code spec.resolved.yaml}.
 *
 * @param label   the name shown in the report: the run's name, made unique by the caller
 * @param summary {@code summary.json}, or an empty object
 * @param epochs  one JSON object per recorded epoch, in order
 */
public record RunData(Path dir, String label, String description, JsonNode summary, List<JsonNode> epochs) {
    public RunData {
        requireNonNull(dir, "dir is null");
        requireNonNull(label, "label is null");
        description = description == null ? "" : description;
        requireNonNull(summary, "summary is null");
        epochs = List.copyOf(requireNonNull(epochs, "epochs is null"));
    }

    /** Reads a run folder; fails with a message naming the folder when it is not one. */
    public static RunData load(Path dir) {
        requireNonNull(dir, "dir is null");
        if (!Files.isDirectory(dir)) {
            throw new GradlabException(Category.USAGE, "no run folder at " + dir + ": give folders written by 'gradlab run' (runs/<name>-<time>)");
        }
        Path metrics = dir.resolve(RunFolder.METRICS);
        Path summaryFile = dir.resolve(RunFolder.SUMMARY);
        if (!Files.exists(metrics) && !Files.exists(summaryFile)) {
            throw new GradlabException(Category.USAGE, dir + " is not a run folder: it holds neither " + RunFolder.METRICS + " nor "
                    + RunFolder.SUMMARY);
        }
        ObjectMapper mapper = Json.mapper();
        JsonNode summary = mapper.createObjectNode();
        List<JsonNode> epochs = new ArrayList<>();
        try {
            if (Files.exists(summaryFile)) {
                summary = mapper.readTree(summaryFile.toFile());
            }
            if (Files.exists(metrics)) {
                for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        epochs.add(mapper.readTree(line));
                    } catch (IOException e) {
                        // a line torn by a killed run: the lines before it are complete
                    }
                }
            }
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot read the run folder " + dir + ": " + e.getMessage(), e);
        }
        String name = summary.path("name").asText("");
        if (name.isEmpty()) {
            name = dir.getFileName().toString();
        }
        return new RunData(dir, name, description(dir.resolve(RunFolder.SPEC)), summary, epochs);
    }

    private static String description(Path spec) {
        if (!Files.exists(spec)) {
            return "";
        }
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(spec.toFile()).path("description").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    public RunData withLabel(String newLabel) {
        return new RunData(dir, newLabel, description, summary, epochs);
    }

    public String status() {
        return summary.path("status").asText(epochs.isEmpty() ? "empty" : "incomplete");
    }

    /** The names of the weighted layers in the order they first appear. */
    public List<String> layerNames() {
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode e : epochs) {
            for (JsonNode l : e.path("layers")) {
                names.add(l.path("name").asText());
            }
        }
        return List.copyOf(names);
    }

    /** A per-layer figure ({@code grad_norm}) of {@code layer} at epoch index {@code i}, or NaN. */
    public double layerValue(int i, String layer, String key) {
        for (JsonNode l : epochs.get(i).path("layers")) {
            if (l.path("name").asText().equals(layer)) {
                return number(l.get(key));
            }
        }
        return Double.NaN;
    }

    /** The layer entry of {@code layer} at epoch index {@code i}, or a missing node. */
    public JsonNode layerEntry(int i, String layer) {
        for (JsonNode l : epochs.get(i).path("layers")) {
            if (l.path("name").asText().equals(layer)) {
                return l;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** The epoch number of epoch index {@code i}. */
    public int epochNumber(int i) {
        return epochs.get(i).path("epoch").asInt(i + 1);
    }

    /** A run-level figure at epoch index {@code i}, or NaN. */
    public double value(int i, String key) {
        return number(epochs.get(i).get(key));
    }

    /** A number node, or a string such as "NaN"/"Infinity", as a double; NaN when absent. */
    static double number(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return Double.NaN;
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        try {
            return Double.parseDouble(n.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
