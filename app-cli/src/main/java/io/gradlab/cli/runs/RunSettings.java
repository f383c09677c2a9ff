package io.gradlab.cli.runs;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of runs as {@code gradlab report} and {@code gradlab ui} compare them: a run's
 * {@code spec.resolved.yaml} flattened to dotted keys ({@code training.optimizer.lr}), and the keys whose
 * values differ between runs. The one place both read settings from.
 */
public final class RunSettings {
    /** The resolved spec every run folder holds. */
    public static final String SPEC = "spec.resolved.yaml";
    /** Keys that name or describe a run rather than set it up: never a difference worth a row. */
    private static final Set<String> NOT_SETTINGS = Set.of("name", "description");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private RunSettings() {}

    /** {@code spec.resolved.yaml} of {@code runDir} as dotted keys and their values; empty when the folder has none. */
    public static Map<String, Object> flat(Path runDir) {
        requireNonNull(runDir, "runDir is null");
        Map<String, Object> out = new LinkedHashMap<>();
        Path spec = runDir.resolve(SPEC);
        if (!Files.isRegularFile(spec)) {
            return out;
        }
        try {
            flatten("", YAML.readTree(spec.toFile()), out);
        } catch (IOException e) {
            out.put("error", "cannot read " + SPEC + ": " + e.getMessage());
        }
        return out;
    }

    /**
     * The keys whose values differ between the runs (a key one run lacks differs too), in the order they
     * first appear; {@code name} and {@code description} are left out. Fewer than two runs differ in nothing.
     */
    public static List<String> differing(List<Map<String, Object>> runs) {
        requireNonNull(runs, "runs is null");
        if (runs.size() < 2) {
            return List.of();
        }
        Set<String> keys = new LinkedHashSet<>();
        runs.forEach(r -> keys.addAll(r.keySet()));
        List<String> out = new ArrayList<>();
        for (String key : keys) {
            if (NOT_SETTINGS.contains(key)) {
                continue;
            }
            Object first = runs.get(0).get(key);
            if (runs.stream().anyMatch(r -> !Objects.equals(r.get(key), first) || !r.containsKey(key))) {
                out.add(key);
            }
        }
        return out;
    }

    /** A value as a table shows it: {@code 0.01}, {@code sigmoid}, {@code [16, 16]}; "–" for a key the run lacks. */
    public static String text(Object value) {
        return value == null ? "\u2013" : String.valueOf(value);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> f : node.properties()) {
                flatten(prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), f.getValue(), out);
            }
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.put(prefix, List.of());
            }
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix + "[" + i + "]", node.get(i), out);
            }
        } else {
            out.put(prefix, JSON.convertValue(node, Object.class));
        }
    }
}
