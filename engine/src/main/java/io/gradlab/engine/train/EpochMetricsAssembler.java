package io.gradlab.engine.train;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.train.GradientTransform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts an epoch's line of {@code metrics.jsonl} together at its end: the figures the loop measured,
 * the engine's per-layer figures from {@link ModelState}, what the gradient transforms and the
 * strategy recorded, and what the diagnostics write and find in {@link Diagnostic#onEpochEnd}, each
 * layer figure filed under the weighted layer that owns it ({@link #owners}).
 */
final class EpochMetricsAssembler {
    private final List<GradientTransform> transforms;
    private final List<Diagnostic> diagnostics;

    EpochMetricsAssembler(List<GradientTransform> transforms, List<Diagnostic> diagnostics) {
        this.transforms = requireNonNull(transforms, "transforms is null");
        this.diagnostics = requireNonNull(diagnostics, "diagnostics is null");
    }

    /**
     * What the loop measured in an epoch.
     *
     * @param validation {@code {loss, accuracy}} on the validation set ({@code NaN}s without one)
     * @param test       {@code {loss, accuracy}} on the test set
     * @param startNanos {@link System#nanoTime()} at the epoch's start: {@code seconds} runs to the end of the assembly
     */
    record Trained(int epoch, String stage, double trainLoss, double trainAccuracy, double[] validation, double[] test,
                   double learningRate, double samplesPerSecond, long startNanos) {}

    /**
     * The epoch's metrics: runs the diagnostics' epoch ends, and takes what the strategy recorded
     * ({@code recorded} is emptied for the next epoch).
     */
    EpochMetrics assemble(Trained t, ModelState state, Map<String, Object> recorded) {
        Map<String, Map<String, Object>> layerExtras = new LinkedHashMap<>();
        Map<String, Object> extra = new LinkedHashMap<>(recorded);
        recorded.clear();
        List<Finding> findings = new ArrayList<>();
        DiagnosticSink sink = new DiagnosticSink() {
            @Override
            public void metric(String key, Object value) {
                extra.put(key, value);
            }

            @Override
            public void layerMetric(String layer, String key, Object value) {
                layerExtras.computeIfAbsent(layer, k -> new LinkedHashMap<>()).put(key, value);
            }

            @Override
            public void finding(Finding finding) {
                findings.add(finding);
            }
        };
        for (GradientTransform transform : transforms) {
            extra.putAll(transform.lastStats());
        }
        for (Diagnostic d : diagnostics) {
            d.onEpochEnd(state, sink);
        }
        Map<String, Map<String, Object>> owned = file(layerExtras, owners(state.layers()), extra);
        List<LayerMetrics> layers = new ArrayList<>();
        List<LayerView> weighted = state.weightedLayers();
        for (int i = 0; i < weighted.size(); i++) {
            String name = weighted.get(i).name();
            Map<String, Object> figures = owned.getOrDefault(name, Map.of());
            double signal = state.epochSignalNorm(i);
            if (!Double.isNaN(signal)) {
                Map<String, Object> withSignal = new LinkedHashMap<>();
                withSignal.put("signal_norm", signal);
                withSignal.putAll(figures);
                figures = withSignal;
            }
            layers.add(new LayerMetrics(name, state.epochWeightGradNorm(i), state.weightNorm(i), state.updateRatioMean(i), figures));
        }
        double seconds = (System.nanoTime() - t.startNanos()) / 1e9;
        return new EpochMetrics(t.epoch(), t.stage(), t.trainLoss(), t.trainAccuracy(), t.validation()[0], t.validation()[1],
                t.test()[0], t.test()[1], t.learningRate(), seconds, t.samplesPerSecond(), List.copyOf(layers), extra,
                List.copyOf(findings));
    }

    /**
     * Where the layer figures of each leaf go in {@code metrics.jsonl}: a weighted layer's own entry;
     * any other leaf (activation, normalizer) files its figures under the nearest weighted layer before
     * it ({@code act3} under {@code hidden3}); leaves before the first weighted layer have no owner.
     */
    static Map<String, String> owners(List<LayerView> leaves) {
        Map<String, String> owners = new LinkedHashMap<>();
        String current = null;
        for (LayerView v : leaves) {
            if (v.weight() != null) {
                current = v.name();
            }
            if (current != null) {
                owners.putIfAbsent(v.name(), current);
            }
        }
        return Map.copyOf(owners);
    }

    /**
     * Files the layer figures by owner: returns each owner's figures (where two layers write the same
     * key, the first written stays); the figures of layers without an owner go into {@code extra} as
     * {@code other_layers: [{"name": ..., ...}]}.
     */
    static Map<String, Map<String, Object>> file(Map<String, Map<String, Object>> layerFigures, Map<String, String> owners,
                                                 Map<String, Object> extra) {
        Map<String, Map<String, Object>> owned = new LinkedHashMap<>();
        List<Map<String, Object>> unowned = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : layerFigures.entrySet()) {
            String owner = owners.get(e.getKey());
            if (owner == null) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", e.getKey());
                entry.putAll(e.getValue());
                unowned.add(entry);
            } else {
                Map<String, Object> target = owned.computeIfAbsent(owner, k -> new LinkedHashMap<>());
                e.getValue().forEach(target::putIfAbsent);
            }
        }
        if (!unowned.isEmpty()) {
            extra.put("other_layers", unowned);
        }
        return owned;
    }
}
