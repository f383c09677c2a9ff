package io.gradlab.plugins.diagnostics;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code update-ratio}: {@code ||W_after - W_before|| / ||W_after||} of one optimizer step per weighted
 * layer, measured on sampled steps (a copy of the weights at a sampled step, compared at the next
 * one). About 1e-3 is healthy; far below ({@code low}) the layer is not learning, far above
 * ({@code high}) training is unstable. Writes {@code update_ratio_min} / {@code update_ratio_max}
 * (over layers) per epoch; the engine already writes each layer's {@code update_ratio}.
 */
final class UpdateRatio implements Diagnostic {
    private static final Expr DIFF_SQUARED = Expr.arg(0).sub(Expr.arg(1)).square();
    private static final Expr SQUARE = Expr.arg(0).square();

    private final Sampler sampler;
    private final double low;
    private final double high;
    private final Map<String, Tensor> snapshots = new LinkedHashMap<>();
    private final Map<String, double[]> sums = new LinkedHashMap<>(); // {sum of ratios, count}
    private final Tensor[] pair = new Tensor[2];
    private boolean pending;
    private int pendingEpoch;

    UpdateRatio(int every, double low, double high) {
        this.sampler = new Sampler(every);
        this.low = low;
        this.high = high;
    }

    @Override
    public void afterBackward(ModelView model) {
        if (pending && pendingEpoch != model.epoch()) {
            pending = false; // pairs stay inside an epoch: every epoch's figure is its own (and a resumed run's the same)
        }
        List<LayerView> weighted = model.weightedLayers();
        if (pending) {
            Ops ops = model.ops();
            for (int i = 0, n = weighted.size(); i < n; i++) { // indexed: no iterator per step
                LayerView v = weighted.get(i);
                Tensor before = snapshots.get(v.name());
                Tensor w = v.weight().value();
                if (before == null || before.size() != w.size() || before.dtype() != w.dtype()) {
                    continue;
                }
                pair[0] = w;
                pair[1] = before;
                double diff = ops.sum(DIFF_SQUARED, null, pair);
                double norm = ops.sum(SQUARE, null, pair);
                pair[0] = null;
                pair[1] = null;
                if (norm > 0 && Double.isFinite(diff)) {
                    double[] s = sums.computeIfAbsent(v.name(), k -> new double[2]);
                    s[0] += Math.sqrt(diff / norm);
                    s[1]++;
                }
            }
            pending = false;
        }
        if (sampler.take(model)) {
            for (int i = 0, n = weighted.size(); i < n; i++) {
                LayerView v = weighted.get(i);
                Tensor w = v.weight().value();
                Tensor snap = snapshots.get(v.name());
                if (snap == null || !snap.sameShape(w) || snap.dtype() != w.dtype()) {
                    snap = Tensor.zeros(w.dtype(), w.shape());
                    snapshots.put(v.name(), snap);
                }
                snap.copyFrom(w);
            }
            pending = true;
            pendingEpoch = model.epoch();
        }
    }

    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        String minLayer = null;
        String maxLayer = null;
        Map<String, Object> ratios = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            double[] s = e.getValue();
            if (s[1] == 0 || !trainable(model, e.getKey())) {
                continue;
            }
            double r = s[0] / s[1];
            ratios.put(e.getKey(), r);
            if (r < min) {
                min = r;
                minLayer = e.getKey();
            }
            if (r > max) {
                max = r;
                maxLayer = e.getKey();
            }
        }
        sums.clear();
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

    /** Frozen layers (layer-wise training) do not move on purpose. */
    private static boolean trainable(ModelView model, String name) {
        for (LayerView v : model.weightedLayers()) {
            if (v.name().equals(name)) {
                return v.weight().trainable();
            }
        }
        return false;
    }
}
