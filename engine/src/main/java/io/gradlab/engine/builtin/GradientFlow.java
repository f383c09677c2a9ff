package io.gradlab.engine.builtin;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares the weight-gradient norm of the first hidden layer with the last hidden layer's, averaged
 * over the epoch, and reports a vanishing or exploding gradient with the remedies that address it.
 */
final class GradientFlow implements Diagnostic {
    static final List<String> VANISHING_REMEDIES = List.of(
            "a ReLU-family activation (examples/m05/relu.yaml)",
            "batch normalization between each dense layer and its activation (examples/m05/batchnorm.yaml)",
            "skip connections (examples/m05/skip.yaml)",
            "the Adam optimizer (examples/m05/adam.yaml)",
            "a larger / better initialization (examples/m05/weight-std1.yaml)",
            "gradient normalization (examples/m05/gradnorm.yaml)",
            "layer-wise training (examples/m05/layerwise.yaml)");
    static final List<String> EXPLODING_REMEDIES = List.of(
            "clip gradients by global norm (gradient-transforms: [{id: clip-norm, max-norm: 1.0}])",
            "a smaller learning rate",
            "a smaller initialization scale");

    private final double vanishingRatio;
    private final double explodingRatio;

    GradientFlow(double vanishingRatio, double explodingRatio) {
        this.vanishingRatio = vanishingRatio;
        this.explodingRatio = explodingRatio;
    }

    private static String percent(double fraction) {
        return new java.math.BigDecimal(fraction * 100).round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString() + "%";
    }

    /** Reads the epoch's mean weight-gradient norms the engine measured ({@link ModelView#epochWeightGradNorm}); measures nothing per step. */
    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        List<LayerView> weighted = model.weightedLayers();
        if (weighted.size() < 3) {
            return; // needs at least two hidden layers and an output layer
        }
        int hidden = weighted.size() - 1;
        List<String> names = weighted.subList(0, hidden).stream().map(LayerView::name).toList();
        double[] means = new double[hidden];
        for (int i = 0; i < hidden; i++) {
            means[i] = model.epochWeightGradNorm(i);
        }
        if (Double.isNaN(means[0]) && Double.isNaN(means[hidden - 1])) {
            return; // no step in this epoch (or a view without the figure)
        }
        double first = means[0];
        double last = means[hidden - 1];
        String firstName = names.get(0);
        String lastName = names.get(hidden - 1);
        // the hidden layers whose gradient is below the vanishing ratio of the last hidden layer's
        Map<String, Object> ratios = new LinkedHashMap<>();
        List<String> affected = new ArrayList<>();
        for (int i = 0; i < hidden - 1; i++) {
            double r = last == 0 ? Double.NaN : means[i] / last;
            ratios.put(names.get(i), r);
            if (r < vanishingRatio) {
                affected.add(names.get(i));
            }
        }
        double ratio = last == 0 ? (first == 0 ? 1 : Double.POSITIVE_INFINITY) : first / last;
        sink.metric("grad_ratio_first_last", ratio);
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put(firstName + "_grad_norm", first);
        evidence.put(lastName + "_grad_norm", last);
        evidence.put("ratio", ratio);
        if (ratio < vanishingRatio) {
            evidence.put("ratios_to_last_hidden", ratios);
            evidence.put("affected_layers", List.copyOf(affected));
            sink.finding(new Finding(Severity.CRITICAL, "vanishing-gradient", String.format(Locale.ROOT,
                    "vanishing gradient: the first hidden layer '%s' gets a weight gradient %.3g times the last hidden layer's '%s' (%.3g vs %.3g);"
                            + " the early layer%s %s get%s less than %s of it and barely learn%s",
                    firstName, ratio, lastName, first, last, affected.size() == 1 ? "" : "s", String.join(", ", affected),
                    affected.size() == 1 ? "s" : "", percent(vanishingRatio), affected.size() == 1 ? "s" : ""), firstName, evidence, VANISHING_REMEDIES));
        } else if (ratio > explodingRatio) {
            sink.finding(new Finding(Severity.CRITICAL, "exploding-gradient", String.format(Locale.ROOT,
                    "exploding gradient: the first hidden layer '%s' gets a weight gradient %.3g times the last hidden layer's '%s'",
                    firstName, ratio, lastName), firstName, evidence, EXPLODING_REMEDIES));
        }
    }
}
