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
 * {@code dead-units}: in each RECTIFYING activation layer, the units whose output was zero for every
 * training sample of the epoch (a dead ReLU gets no gradient and never recovers). Looks at every
 * step (one pass over the layer's output, cheap next to the matrix products); writes
 * {@code dead_fraction} per activation layer.
 */
final class DeadUnits implements Diagnostic {
    private final double warnFraction;
    private final double criticalFraction;
    private final Map<String, boolean[]> alive = new LinkedHashMap<>();
    private int epoch = Integer.MIN_VALUE;

    DeadUnits(double warnFraction, double criticalFraction) {
        this.warnFraction = warnFraction;
        this.criticalFraction = criticalFraction;
    }

    @Override
    public void afterBackward(ModelView model) {
        if (model.epoch() != epoch) {
            epoch = model.epoch();
            alive.clear();
        }
        for (LayerView v : Views.activations(model, Activation.Family.RECTIFYING)) {
            Tensor out = v.layer().lastOutput();
            if (out == null) {
                continue;
            }
            int units = out.cols();
            boolean[] seen = alive.computeIfAbsent(v.name(), k -> new boolean[units]);
            if (seen.length != units) {
                seen = new boolean[units];
                alive.put(v.name(), seen);
            }
            markNonZero(out, seen);
        }
    }

    static void markNonZero(Tensor out, boolean[] seen) {
        int rows = out.rows();
        int units = seen.length;
        if (out.dtype() == DType.F32) {
            float[] a = out.floats();
            for (int r = 0; r < rows; r++) {
                int base = r * units;
                for (int u = 0; u < units; u++) {
                    if (a[base + u] != 0f) {
                        seen[u] = true;
                    }
                }
            }
        } else {
            double[] a = out.doubles();
            for (int r = 0; r < rows; r++) {
                int base = r * units;
                for (int u = 0; u < units; u++) {
                    if (a[base + u] != 0d) {
                        seen[u] = true;
                    }
                }
            }
        }
    }

    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        double worst = -1;
        String worstLayer = null;
        int worstDead = 0;
        int worstUnits = 0;
        int totalDead = 0;
        int totalUnits = 0;
        for (Map.Entry<String, boolean[]> e : alive.entrySet()) {
            boolean[] seen = e.getValue();
            int dead = 0;
            for (boolean b : seen) {
                if (!b) {
                    dead++;
                }
            }
            double fraction = seen.length == 0 ? 0 : (double) dead / seen.length;
            sink.layerMetric(e.getKey(), "dead_fraction", fraction);
            totalDead += dead;
            totalUnits += seen.length;
            if (fraction > worst) {
                worst = fraction;
                worstLayer = e.getKey();
                worstDead = dead;
                worstUnits = seen.length;
            }
        }
        alive.clear();
        if (worstLayer == null) {
            return;
        }
        sink.metric("dead_fraction", totalUnits == 0 ? 0.0 : (double) totalDead / totalUnits);
        if (worst >= warnFraction) {
            Severity severity = worst >= criticalFraction ? Severity.CRITICAL : Severity.WARNING;
            Map<String, Object> evidence = Map.of("dead_units", worstDead, "units", worstUnits, "dead_fraction", worst,
                    "dead_units_all_layers", totalDead, "units_all_layers", totalUnits);
            sink.finding(new Finding(severity, "dead-units", "dead ReLU units: " + worstDead + " of " + worstUnits + " units ("
                    + Views.pct(worst) + ") of layer '" + worstLayer + "' output zero for every training sample of epoch "
                    + model.epoch() + ", so they get no gradient and stop learning (" + totalDead + " of " + totalUnits
                    + " rectifying units in the whole network)", worstLayer, evidence, List.copyOf(Remedies.DEAD)));
        }
    }
}
