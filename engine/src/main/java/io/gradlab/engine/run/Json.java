package io.gradlab.engine.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gradlab.api.diag.Finding;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.LayerMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON rendering of run records: field order fixed, so equal runs give equal bytes. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String line(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
        }
    }

    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render JSON: " + e.getMessage(), e);
        }
    }

    /** The {@code metrics.jsonl} object of one epoch. */
    public static Map<String, Object> toMap(EpochMetrics m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("epoch", m.epoch());
        if (m.stage() != null) {
            out.put("stage", m.stage());
        }
        out.put("train_loss", m.trainLoss());
        out.put("train_accuracy", m.trainAccuracy());
        if (!Double.isNaN(m.valLoss())) {
            out.put("val_loss", m.valLoss());
            out.put("val_accuracy", m.valAccuracy());
        }
        out.put("test_loss", m.testLoss());
        out.put("test_accuracy", m.testAccuracy());
        out.put("lr", m.learningRate());
        out.put("seconds", m.seconds());
        out.put("samples_per_second", m.samplesPerSecond());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (LayerMetrics l : m.layers()) {
            Map<String, Object> lm = new LinkedHashMap<>();
            lm.put("name", l.name());
            lm.put("grad_norm", l.gradNorm());
            lm.put("weight_norm", l.weightNorm());
            lm.put("update_ratio", l.updateRatio());
            lm.putAll(l.extra());
            layers.add(lm);
        }
        out.put("layers", layers);
        out.putAll(m.extra());
        if (!m.findings().isEmpty()) {
            List<Map<String, Object>> findings = new ArrayList<>();
            for (Finding f : m.findings()) {
                findings.add(toMap(f));
            }
            out.put("findings", findings);
        }
        return out;
    }

    public static Map<String, Object> toMap(Finding f) {
        Map<String, Object> fm = new LinkedHashMap<>();
        fm.put("severity", f.severity().name());
        fm.put("code", f.code());
        fm.put("message", f.message());
        if (f.layer() != null) {
            fm.put("layer", f.layer());
        }
        fm.put("evidence", new java.util.TreeMap<>(f.evidence()));
        fm.put("remedies", f.remedies());
        return fm;
    }
}
