package io.gradlab.plugins.diagnostics;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code histograms}: histograms of each weighted layer's weights (at the end of the epoch) and
 * weight gradients (of the epoch's last step, before gradient transforms), with {@code bins} equal
 * bins, at the chosen epochs only: those listed in {@code epochs}, every {@code every}-th, and the
 * last one when {@code last} is set. Written as {@code weight_hist} and {@code grad_hist} layer
 * figures ({@code {"lo", "hi", "counts"}}). Costs one gradient copy per step, in chosen epochs only.
 */
final class Histograms implements Diagnostic {
    private final Set<Integer> epochs;
    private final int every;
    private final boolean last;
    private final int bins;
    private final Map<String, Tensor> gradients = new LinkedHashMap<>();

    Histograms(List<Integer> epochs, int every, boolean last, int bins) {
        this.epochs = Set.copyOf(epochs);
        this.every = every;
        this.last = last;
        this.bins = bins;
    }

    boolean chosen(ModelView model) {
        int e = model.epoch();
        return epochs.contains(e) || (every > 0 && e % every == 0) || (last && model.epochs() > 0 && e == model.epochs());
    }

    @Override
    public void afterBackward(ModelView model) {
        if (!chosen(model)) {
            return;
        }
        List<LayerView> weighted = model.weightedLayers();
        for (int i = 0, n = weighted.size(); i < n; i++) { // indexed: no iterator per step
            LayerView v = weighted.get(i);
            Tensor g = v.weight().grad();
            Tensor copy = gradients.get(v.name());
            if (copy == null || !copy.sameShape(g) || copy.dtype() != g.dtype()) {
                copy = Tensor.zeros(g.dtype(), g.shape());
                gradients.put(v.name(), copy);
            }
            copy.copyFrom(g);
        }
    }

    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        if (!chosen(model)) {
            return;
        }
        for (LayerView v : model.weightedLayers()) {
            sink.layerMetric(v.name(), "weight_hist", Histogram.of(v.weight().value(), bins).toMap());
            Tensor g = gradients.get(v.name());
            if (g != null) {
                sink.layerMetric(v.name(), "grad_hist", Histogram.of(g, bins).toMap());
            }
        }
        gradients.clear();
    }
}
