package io.gradlab.plugins.diagnostics;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code saturation}: in each SATURATING activation layer (sigmoid, tanh), the units whose local
 * derivative is below {@code threshold} (1%) of the activation's {@link Activation#maxDerivative()}
 * for most ({@code majority}) of the sampled training samples: such a unit passes almost no
 * gradient back. Samples every {@code every}-th step; writes {@code saturated_fraction} per
 * activation layer.
 */
final class Saturation implements Diagnostic {
    private final Sampler sampler;
    private final double threshold;
    private final double majority;
    private final double warnFraction;
    private final double criticalFraction;
    private final Map<String, Counts> counts = new LinkedHashMap<>();
    private int epoch = Integer.MIN_VALUE;

    /** Per unit, how many sampled rows had a saturated derivative; and the scratch buffers. */
    private static final class Counts {
        final long[] saturated;
        long rows;
        Tensor ones;
        Tensor scratch;

        Counts(int units) {
            saturated = new long[units];
        }
    }

    Saturation(int every, double threshold, double majority, double warnFraction, double criticalFraction) {
        this.sampler = new Sampler(every);
        this.threshold = threshold;
        this.majority = majority;
        this.warnFraction = warnFraction;
        this.criticalFraction = criticalFraction;
    }

    @Override
    public void afterBackward(ModelView model) {
        if (model.epoch() != epoch) {
            epoch = model.epoch();
            counts.clear();
        }
        if (!sampler.take(model)) {
            return;
        }
        for (LayerView v : Views.activations(model, Activation.Family.SATURATING)) {
            Tensor x = v.layer().lastInput();
            Tensor y = v.layer().lastOutput();
            if (x == null || y == null) {
                continue;
            }
            int units = y.cols();
            Counts c = counts.get(v.name());
            if (c == null || c.saturated.length != units) {
                c = new Counts(units);
                counts.put(v.name(), c);
            }
            count(v.activation(), x, y, c, threshold * v.activation().maxDerivative());
        }
    }

    private static void count(Activation activation, Tensor x, Tensor y, Counts c, double limit) {
        int rows = y.rows();
        int units = c.saturated.length;
        if (activation instanceof ElementwiseActivation e) {
            for (int r = 0; r < rows; r++) {
                int base = r * units;
                for (int u = 0; u < units; u++) {
                    if (Math.abs(e.derivative(x.get(base + u), y.get(base + u))) < limit) {
                        c.saturated[u]++;
                    }
                }
            }
        } else {
            // an activation with parameters: its derivative is backward() applied to a gradient of ones
            if (c.ones == null || !c.ones.sameShape(y) || c.ones.dtype() != y.dtype()) {
                c.ones = Tensor.zeros(y.dtype(), y.shape());
                c.ones.fill(1);
                c.scratch = Tensor.zeros(y.dtype(), y.shape());
            }
            activation.backward(x, y, c.ones, c.scratch);
            for (int r = 0; r < rows; r++) {
                int base = r * units;
                for (int u = 0; u < units; u++) {
                    if (Math.abs(c.scratch.get(base + u)) < limit) {
                        c.saturated[u]++;
                    }
                }
            }
        }
        c.rows += rows;
    }

    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        double worst = -1;
        String worstLayer = null;
        int worstSaturated = 0;
        int worstUnits = 0;
        long worstRows = 0;
        for (Map.Entry<String, Counts> e : counts.entrySet()) {
            Counts c = e.getValue();
            if (c.rows == 0) {
                continue;
            }
            int saturated = 0;
            for (long n : c.saturated) {
                if (n > majority * c.rows) {
                    saturated++;
                }
            }
            double fraction = (double) saturated / c.saturated.length;
            sink.layerMetric(e.getKey(), "saturated_fraction", fraction);
            if (fraction > worst) {
                worst = fraction;
                worstLayer = e.getKey();
                worstSaturated = saturated;
                worstUnits = c.saturated.length;
                worstRows = c.rows;
            }
        }
        counts.clear();
        if (worstLayer == null || worst < warnFraction) {
            return;
        }
        Severity severity = worst >= criticalFraction ? Severity.CRITICAL : Severity.WARNING;
        Map<String, Object> evidence = Map.of("saturated_units", worstSaturated, "units", worstUnits, "saturated_fraction", worst,
                "samples", worstRows, "derivative_threshold", threshold);
        sink.finding(new Finding(severity, "saturation", "saturated units: " + worstSaturated + " of " + worstUnits + " units ("
                + Views.pct(worst) + ") of layer '" + worstLayer + "' have a derivative below " + Views.pct(threshold)
                + " of its maximum for more than " + Views.pct(majority) + " of " + worstRows
                + " sampled training inputs, so almost no gradient flows back through them", worstLayer, evidence,
                List.copyOf(Remedies.SATURATION)));
    }
}
