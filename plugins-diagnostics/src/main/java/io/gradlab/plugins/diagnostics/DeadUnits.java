package io.gradlab.plugins.diagnostics;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code dead-units}: in each RECTIFYING activation layer, the units whose output was zero for every
 * training sample of the epoch (a dead ReLU gets no gradient and never recovers). Looks at every
 * step (one column sum of a layer's outputs), but only at layers with units that have output nothing
 * but zeros so far in the epoch; writes {@code dead_fraction} per activation layer.
 */
final class DeadUnits implements Diagnostic {
    /** 1 unless the output is zero (either sign): a NaN counts as output, as any value that is not zero. */
    private static final Expr FIRED = Expr.constant(1).sub(Expr.arg(0).abs().le(0));

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
            u.mark(model.ops(), out);
        }
    }

    /**
     * Which units of a layer have output something other than zero in this epoch. Once every unit is
     * seen, the layer is not looked at again until the next epoch, so a healthy layer costs almost
     * nothing after its first step; until then a step is one column sum of the layer's outputs.
     */
    static final class Units {
        final boolean[] seen;
        private int open;
        private final Tensor[] args = new Tensor[1];
        private Tensor fired;

        Units(int units) {
            seen = new boolean[units];
            open = units;
        }

        /** Marks the units with a non-zero output (NaN included) in any row of {@code out}. */
        void mark(Ops ops, Tensor out) {
            if (open == 0) {
                return;
            }
            if (fired == null || fired.dtype() != out.dtype()) {
                fired = Tensor.zeros(out.dtype(), seen.length);
            }
            args[0] = out;
            ops.columnSums(FIRED, 0, fired, null, args);
            args[0] = null;
            for (int u = 0; u < seen.length; u++) {
                if (!seen[u] && fired.get(u) != 0) {
                    seen[u] = true;
                    open--;
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
