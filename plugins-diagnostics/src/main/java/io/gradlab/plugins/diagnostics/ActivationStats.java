package io.gradlab.plugins.diagnostics;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code activation-stats}: mean and standard deviation of every activation layer's output over the
 * sampled training batches of the epoch (every {@code every}-th step); writes {@code act_mean} and
 * {@code act_std} per activation layer. An output that does not vary at all (every unit of every
 * sample the same value) means the layer carries no information about its input.
 */
final class ActivationStats implements Diagnostic {
    private final Sampler sampler;
    private final Map<String, double[]> sums = new LinkedHashMap<>(); // {n, sum, sum of squares, min, max}
    private final Map<String, Boolean> rectifying = new LinkedHashMap<>();
    private int epoch = Integer.MIN_VALUE;

    ActivationStats(int every) {
        this.sampler = new Sampler(every);
    }

    @Override
    public void afterBackward(ModelView model) {
        if (model.epoch() != epoch) {
            epoch = model.epoch();
            sums.clear();
        }
        if (!sampler.take(model)) {
            return;
        }
        for (LayerView v : Views.activations(model, null)) {
            Tensor out = v.layer().lastOutput();
            if (out != null) {
                rectifying.put(v.name(), v.activation().family() == Activation.Family.RECTIFYING);
                accumulate(out, sums.computeIfAbsent(v.name(),
                        k -> new double[] {0, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}));
            }
        }
    }

    static void accumulate(Tensor t, double[] s) {
        double sum = 0;
        double sq = 0;
        double min = s[3];
        double max = s[4];
        if (t.dtype() == DType.F32) {
            for (float f : t.floats()) {
                sum += f;
                sq += (double) f * f;
                min = Math.min(min, f);
                max = Math.max(max, f);
            }
        } else {
            for (double d : t.doubles()) {
                sum += d;
                sq += d * d;
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
        }
        s[0] += t.size();
        s[1] += sum;
        s[2] += sq;
        s[3] = min;
        s[4] = max;
    }

    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            double[] s = e.getValue();
            if (s[0] == 0) {
                continue;
            }
            double mean = s[1] / s[0];
            double std = Math.sqrt(Math.max(0, s[2] / s[0] - mean * mean));
            sink.layerMetric(e.getKey(), "act_mean", mean);
            sink.layerMetric(e.getKey(), "act_std", std);
            boolean allZeroRectifier = rectifying.getOrDefault(e.getKey(), false) && s[4] == 0 && s[3] == 0; // dead-units says it
            if (!allZeroRectifier && s[4] - s[3] <= 1e-7 * Math.max(1, Math.abs(s[4]))) {
                sink.finding(new Finding(Severity.WARNING, "constant-activations", "constant activations: every unit of layer '"
                        + e.getKey() + "' outputs " + Views.num(mean) + " for every sampled training input, so the layers after it"
                        + " see nothing of the input", e.getKey(), Map.of("mean", mean, "std", std, "min", s[3], "max", s[4]),
                        List.of(Remedies.RANDOM_INIT, Remedies.ZERO_BIAS, Remedies.BETTER_INIT)));
            }
        }
        sums.clear();
        rectifying.clear();
    }
}
