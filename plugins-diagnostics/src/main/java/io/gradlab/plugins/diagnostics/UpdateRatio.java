package io.gradlab.plugins.diagnostics;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code update-ratio}: {@code ||W_after - W_before|| / ||W_after||} of one optimizer step per weighted
 * layer, as the engine measures it on sampled steps and averages over the epoch ({@link
 * ModelView#epochUpdateRatio}, each layer's {@code update_ratio}); this diagnostic measures nothing
 * itself. About 1e-3 is healthy; far below ({@code low}) the layer is not learning, far above
 * ({@code high}) training is unstable. Writes {@code update_ratio_min} / {@code update_ratio_max}
 * (over the trainable layers) per epoch.
 */
final class UpdateRatio implements Diagnostic {
    private final double low;
    private final double high;

    UpdateRatio(double low, double high) {
        this.low = low;
        this.high = high;
    }

    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        String minLayer = null;
        String maxLayer = null;
        Map<String, Object> ratios = new LinkedHashMap<>();
        List<LayerView> weighted = model.weightedLayers();
        for (int i = 0; i < weighted.size(); i++) {
            LayerView v = weighted.get(i);
            double r = model.epochUpdateRatio(i);
            if (!Double.isFinite(r) || !v.weight().trainable()) {
                continue; // not measured, or not a number; frozen layers (layer-wise training) do not move on purpose
            }
            ratios.put(v.name(), r);
            if (r < min) {
                min = r;
                minLayer = v.name();
            }
            if (r > max) {
                max = r;
                maxLayer = v.name();
            }
        }
        if (minLayer == null) {
            return;
        }
        sink.metric("update_ratio_min", min);
        sink.metric("update_ratio_max", max);
        if (max > high) {
            sink.finding(new Finding(max > 10 * high ? Severity.CRITICAL : Severity.WARNING, "large-updates", "updates too large: one"
                    + " optimizer step changes the weights of layer '" + maxLayer + "' by " + Views.num(max) + " of their norm (healthy"
                    + " is about 1e-3, the limit here " + Views.num(high) + "); training is likely to be unstable", maxLayer,
                    Map.of("update_ratio", max, "limit", high, "ratios", ratios), List.copyOf(Remedies.TOO_LARGE_UPDATES)));
        }
        if (min < low) {
            sink.finding(new Finding(Severity.WARNING, "small-updates", "updates too small: one optimizer step changes the weights"
                    + " of layer '" + minLayer + "' by only " + Views.num(min) + " of their norm (healthy is about 1e-3, the limit here "
                    + Views.num(low) + "); the layer is hardly learning", minLayer,
                    Map.of("update_ratio", min, "limit", low, "ratios", ratios), List.copyOf(Remedies.TOO_SMALL_UPDATES)));
        }
    }
}
