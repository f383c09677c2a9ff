package io.gradlab.engine.tensorboard;

import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.LayerMetrics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The TensorBoard scalars of one epoch, by tag: {@code loss/train|val|test}, {@code accuracy/...},
 * {@code lr}, {@code time/...}, per layer {@code grad_norm/LAYER}, {@code weight_norm/LAYER},
 * {@code update_ratio/LAYER} and each numeric diagnostic figure {@code FIGURE/LAYER}, and the
 * epoch's own numeric diagnostic figures {@code diagnostics/FIGURE}. Figures that are absent
 * (NaN: no validation set) are left out.
 */
public final class EpochScalars {
    private EpochScalars() {}

    public static Map<String, Double> of(EpochMetrics m) {
        Map<String, Double> out = new LinkedHashMap<>();
        put(out, "loss/train", m.trainLoss());
        put(out, "loss/val", m.valLoss());
        put(out, "loss/test", m.testLoss());
        put(out, "accuracy/train", m.trainAccuracy());
        put(out, "accuracy/val", m.valAccuracy());
        put(out, "accuracy/test", m.testAccuracy());
        put(out, "lr", m.learningRate());
        put(out, "time/seconds", m.seconds());
        put(out, "time/samples_per_second", m.samplesPerSecond());
        for (LayerMetrics layer : m.layers()) {
            put(out, "grad_norm/" + layer.name(), layer.gradNorm());
            put(out, "weight_norm/" + layer.name(), layer.weightNorm());
            put(out, "update_ratio/" + layer.name(), layer.updateRatio());
            layer.extra().forEach((key, value) -> numbers(out, key, "/" + layer.name(), value));
        }
        m.extra().forEach((key, value) -> numbers(out, "diagnostics/" + key, "", value));
        return out;
    }

    /** Numbers, and the numbers inside nested maps (their keys joined with '/'); text, lists and booleans are not scalars. */
    private static void numbers(Map<String, Double> out, String prefix, String suffix, Object value) {
        if (value instanceof Number n) {
            put(out, prefix + suffix, n.doubleValue());
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> numbers(out, prefix + "/" + k, suffix, v));
        }
    }

    private static void put(Map<String, Double> out, String tag, double value) {
        if (!Double.isNaN(value)) {
            out.put(tag, value);
        }
    }
}
