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
 * step, but only at the units that have output nothing but zeros so far in the epoch (the others
 * are known to be alive); writes {@code dead_fraction} per activation layer.
 */
final class DeadUnits implements Diagnostic {
    private final double warnFraction;
    private final double criticalFraction;
    private final Map<String, Units> alive = new LinkedHashMap<>();
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
        List<LayerView> layers = model.layers();
        for (int i = 0, n = layers.size(); i < n; i++) { // indexed: no iterator, no list of views per step
            LayerView v = layers.get(i);
            Activation activation = v.activation();
            if (activation == null || activation.family() != Activation.Family.RECTIFYING) {
                continue;
            }
            Tensor out = v.layer().lastOutput();
            if (out == null) {
                continue;
            }
            int units = out.cols();
            Units u = alive.get(v.name());
            if (u == null || u.seen.length != units) {
                u = new Units(units);
                alive.put(v.name(), u);
            }
            u.mark(out);
        }
    }

    /**
     * Which units of a layer have output something other than zero in this epoch, and the list of
     * those that have not yet: once a unit is seen it is not looked at again, so a healthy layer costs
     * almost nothing after its first rows, and a step reads only the columns of the still-silent units.
     */
    static final class Units {
        final boolean[] seen;
        private final int[] open; // the units not seen yet, in open[0 .. count)
        private int count;

        Units(int units) {
            seen = new boolean[units];
            open = new int[units];
            for (int u = 0; u < units; u++) {
                open[u] = u;
            }
            count = units;
        }

        /** Marks the units with a non-zero output (NaN included) in any row of {@code out}. */
        void mark(Tensor out) {
            int rows = out.rows();
            int units = seen.length;
            if (out.dtype() == DType.F32) {
                float[] a = out.floats();
                for (int r = 0; r < rows && count > 0; r++) {
                    int base = r * units;
                    for (int k = count - 1; k >= 0; k--) { // backwards: removing k moves an already looked-at unit into it
                        int u = open[k];
                        if (a[base + u] != 0f) {
                            close(k, u);
                        }
                    }
                }
            } else {
                double[] a = out.doubles();
                for (int r = 0; r < rows && count > 0; r++) {
                    int base = r * units;
                    for (int k = count - 1; k >= 0; k--) {
                        int u = open[k];
                        if (a[base + u] != 0d) {
                            close(k, u);
                        }
                    }
                }
            }
        }

        private void close(int k, int u) {
            seen[u] = true;
            open[k] = open[--count];
        }
    }

    /** The reference: marks every unit with a non-zero output (NaN included) in any row of {@code out}. */
    static void markNonZero(Tensor out, boolean[] seen) {
        int rows = out.rows();
        int units = seen.length;
        for (int r = 0; r < rows; r++) {
            int base = r * units;
            for (int u = 0; u < units; u++) {
                if (out.get(base + u) != 0) {
                    seen[u] = true;
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
        for (Map.Entry<String, Units> e : alive.entrySet()) {
            boolean[] seen = e.getValue().seen;
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
