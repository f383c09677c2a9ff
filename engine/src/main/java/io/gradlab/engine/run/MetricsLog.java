package io.gradlab.engine.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.Severity;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.LayerMetrics;
import io.gradlab.engine.io.BoundedFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code metrics.jsonl} back: {@link #parse} turns a line into {@link EpochMetrics};
 * {@link #recover} prepares the file of an interrupted run for resuming.
 */
public final class MetricsLog {
    private static final Set<String> FIXED = Set.of("epoch", "stage", "train_loss", "train_accuracy", "val_loss", "val_accuracy",
            "test_loss", "test_accuracy", "lr", "seconds", "samples_per_second", "layers", "findings");
    private static final Set<String> LAYER_FIXED = Set.of("name", "grad_norm", "weight_norm", "update_ratio");

    private MetricsLog() {}

    /** The complete lines kept for a resumed run and the epochs they hold. */
    /** The largest metrics log gradlab reads (1 GiB). */
    public static final long MAX_FILE_BYTES = 1L << 30;

    public record Recovered(List<String> lines, List<EpochMetrics> history, boolean rewritten) {
        public Recovered {
            lines = List.copyOf(lines);
            history = List.copyOf(history);
        }
    }

    /**
     * Keeps the lines of epochs {@code 1..lastEpoch} of the run's {@code metrics.jsonl} and drops the
     * rest: a torn last line (no newline: the process died while writing it) and the lines of epochs
     * after the checkpoint. When anything is dropped the file is replaced atomically.
     *
     * @throws GradlabException when a complete line is not valid JSON or the kept lines are not epochs {@code 1..lastEpoch}
     */
    public static Recovered recover(Path runDir, int lastEpoch) {
        Recovered recovered = inspect(runDir, lastEpoch);
        rewrite(runDir, recovered);
        return recovered;
    }

    /** Replaces {@code metrics.jsonl} with the kept lines of {@code recovered} when {@link #inspect} dropped any. */
    public static void rewrite(Path runDir, Recovered recovered) {
        if (recovered.rewritten()) {
            StringBuilder sb = new StringBuilder();
            recovered.lines().forEach(l -> sb.append(l).append('\n'));
            RunFolder.writeAtomically(runDir.resolve(RunFolder.METRICS), sb.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * What {@link #recover} keeps, without changing the file: a resume checks everything (the
     * checkpoint against the model included) before {@link #rewrite} touches it.
     */
    public static Recovered inspect(Path runDir, int lastEpoch) {
        Path file = runDir.resolve(RunFolder.METRICS);
        if (!Files.exists(file)) {
            if (lastEpoch > 0) {
                throw inconsistent(file, "it is missing but the checkpoint is at epoch " + lastEpoch);
            }
            return new Recovered(List.of(), List.of(), false);
        }
        byte[] bytes;
        try {
            bytes = BoundedFiles.readAllBytes(file, MAX_FILE_BYTES, "the metrics log", Category.DATA);
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        boolean changed = end != bytes.length;
        String complete = new String(bytes, 0, end, StandardCharsets.UTF_8);
        List<String> kept = new ArrayList<>();
        List<EpochMetrics> history = new ArrayList<>();
        int number = 0;
        for (String line : complete.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            number++;
            EpochMetrics m;
            try {
                m = parse(line);
            } catch (GradlabException e) {
                throw inconsistent(file, "line " + number + " " + e.getMessage());
            }
            if (m.epoch() > lastEpoch) {
                changed = true;
                continue;
            }
            if (m.epoch() != history.size() + 1) {
                throw inconsistent(file, "line " + number + " is epoch " + m.epoch() + " where epoch " + (history.size() + 1) + " belongs");
            }
            kept.add(line);
            history.add(m);
        }
        if (history.size() != lastEpoch) {
            throw inconsistent(file, "it holds " + history.size() + " epochs but the checkpoint is at epoch " + lastEpoch);
        }
        return new Recovered(kept, history, changed);
    }

    /** The complete lines of a run's {@code metrics.jsonl} (a torn last line is left out). */
    public static List<EpochMetrics> read(Path runDir) {
        Path file = runDir.resolve(RunFolder.METRICS);
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            String text = new String(BoundedFiles.readAllBytes(file, MAX_FILE_BYTES, "the metrics log", Category.DATA),
                    StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            List<EpochMetrics> out = new ArrayList<>();
            for (String line : text.substring(0, end + 1).split("\n")) {
                if (!line.isEmpty()) {
                    out.add(parse(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** One line as {@link Json#toMap(EpochMetrics)} wrote it. */
    public static EpochMetrics parse(String line) {
        JsonNode n;
        try {
            n = Json.mapper().readTree(line);
        } catch (JsonProcessingException e) {
            throw new GradlabException(Category.DATA, "is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (n == null || !n.isObject() || !n.path("epoch").canConvertToInt() || !n.path("epoch").isIntegralNumber()) {
            throw new GradlabException(Category.DATA, "is not an epoch record (no whole-number 'epoch')");
        }
        List<LayerMetrics> layers = new ArrayList<>();
        for (JsonNode l : n.path("layers")) {
            Map<String, Object> extra = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!LAYER_FIXED.contains(f.getKey())) {
                    extra.put(f.getKey(), plain(f.getValue()));
                }
            }
            layers.add(new LayerMetrics(l.path("name").asText(), number(l.get("grad_norm")), number(l.get("weight_norm")),
                    number(l.get("update_ratio")), extra));
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!FIXED.contains(f.getKey())) {
                extra.put(f.getKey(), plain(f.getValue()));
            }
        }
        List<Finding> findings = new ArrayList<>();
        for (JsonNode f : n.path("findings")) {
            findings.add(finding(f));
        }
        return new EpochMetrics(n.get("epoch").asInt(), n.hasNonNull("stage") ? n.get("stage").asText() : null,
                number(n.get("train_loss")), number(n.get("train_accuracy")), number(n.get("val_loss")), number(n.get("val_accuracy")),
                number(n.get("test_loss")), number(n.get("test_accuracy")), number(n.get("lr")), number(n.get("seconds")),
                number(n.get("samples_per_second")), layers, extra, findings);
    }

    private static Finding finding(JsonNode f) {
        Severity severity;
        try {
            severity = Severity.valueOf(f.path("severity").asText());
        } catch (IllegalArgumentException e) {
            severity = Severity.INFO;
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = f.path("evidence").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Object value = plain(e.getValue());
            if (value != null) {
                evidence.put(e.getKey(), value);
            }
        }
        List<String> remedies = new ArrayList<>();
        f.path("remedies").forEach(r -> remedies.add(r.asText()));
        return new Finding(severity, f.path("code").asText(), f.path("message").asText(),
                f.hasNonNull("layer") ? f.get("layer").asText() : null, evidence, remedies);
    }

    /** A number field; Jackson writes NaN and infinities as text. Absent: NaN. */
    private static double number(JsonNode node) {
        if (node == null || node.isNull()) {
            return Double.NaN;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        try {
            return Double.parseDouble(node.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static Object plain(JsonNode node) {
        return Json.mapper().convertValue(node, Object.class);
    }

    private static GradlabException inconsistent(Path file, String problem) {
        return new GradlabException(Category.DATA, file + " cannot be resumed from: " + problem
                + "; the run folder was changed by hand or is damaged, start the run again");
    }
}
