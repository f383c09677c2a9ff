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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code dead-units}: in each RECTIFYING activation layer, the units that output zero for every training
 * sample from some step to the end of the epoch (a dead ReLU gets no gradient and never recovers): those
 * silent for the whole epoch, and those that died during it, silent for at least {@code silent} (a
 * fraction, 25 %) of the epoch's steps and at least two steps. Looks at every step (one column sum of a
 * layer's outputs) and keeps, per unit, the last step it fired; writes {@code dead_fraction} per
 * activation layer, and the finding names the layer, the fraction and the step the units died.
 */
final class DeadUnits implements Diagnostic {
    /** 1 unless the output is zero (either sign): a NaN counts as output, as any value that is not zero. */
    private static final Expr FIRED = Expr.constant(1).sub(Expr.arg(0).abs().le(0));
    /** A unit that died during the epoch counts when silent for at least this many steps (and the silent fraction of the epoch). */
    static final int MIN_SILENT_STEPS = 2;

    private final double warnFraction;
    private final double criticalFraction;
    private final double silentFraction;
    private final Map<String, Units> alive = new LinkedHashMap<>();
    private int epoch = Integer.MIN_VALUE;
    private long firstStep;

    DeadUnits(double warnFraction, double criticalFraction) {
        this(warnFraction, criticalFraction, 0.25);
    }

    DeadUnits(double warnFraction, double criticalFraction, double silentFraction) {
        this.warnFraction = warnFraction;
        this.criticalFraction = criticalFraction;
        this.silentFraction = silentFraction;
    }

    @Override
    public void afterBackward(ModelView model) {
        if (model.epoch() != epoch) {
            epoch = model.epoch();
            firstStep = model.step();
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
     * Which units of a layer have output something other than zero in this epoch ({@link #seen}), and
     * the last of the layer's steps in which each did ({@link #lastFired}, -1: never). A step is one
     * column sum of the layer's outputs.
     */
    static final class Units {
        final boolean[] seen;
        final int[] lastFired;
        private int steps;
        private final Tensor[] args = new Tensor[1];
        private Tensor fired;

        Units(int units) {
            seen = new boolean[units];
            lastFired = new int[units];
            Arrays.fill(lastFired, -1);
        }

        /** Marks the units with a non-zero output (NaN included) in any row of {@code out}, as fired in the next step. */
        void mark(Ops ops, Tensor out) {
            int step = steps++;
            if (fired == null || fired.dtype() != out.dtype()) {
                fired = Tensor.zeros(out.dtype(), seen.length);
            }
            args[0] = out;
            ops.columnSums(FIRED, 0, fired, null, args);
            args[0] = null;
            for (int u = 0; u < seen.length; u++) {
                if (fired.get(u) != 0) {
                    seen[u] = true;
                    lastFired[u] = step;
                }
            }
        }

        int steps() {
            return steps;
        }

        /** The steps at the end in which a unit must stay silent to count as dead: the whole epoch, or the silent fraction of it. */
        int silentSteps(double silentFraction) {
            return Math.min(steps, Math.max(MIN_SILENT_STEPS, (int) Math.ceil(silentFraction * steps)));
        }

        /** Whether unit {@code u} was silent from some step to the end, for at least {@link #silentSteps} steps. */
        boolean dead(int u, double silentFraction) {
            return steps - 1 - lastFired[u] >= silentSteps(silentFraction);
        }
    }

    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        double worst = -1;
        String worstLayer = null;
        int worstDead = 0;
        int worstUnits = 0;
        int worstWholeEpoch = 0;
        int worstFirstDied = -1;
        int worstLastDied = -1;
        int worstSteps = 0;
        int totalDead = 0;
        int totalUnits = 0;
        for (Map.Entry<String, Units> e : alive.entrySet()) {
            Units units = e.getValue();
            int n = units.seen.length;
            int dead = 0;
            int wholeEpoch = 0;
            int firstDied = Integer.MAX_VALUE;
            int lastDied = -1;
            for (int u = 0; u < n; u++) {
                if (units.dead(u, silentFraction)) {
                    dead++;
                    int died = units.lastFired[u] + 1; // the layer's first silent step
                    if (died == 0) {
                        wholeEpoch++;
                    } else {
                        firstDied = Math.min(firstDied, died);
                        lastDied = Math.max(lastDied, died);
                    }
                }
            }
            double fraction = n == 0 ? 0 : (double) dead / n;
            sink.layerMetric(e.getKey(), "dead_fraction", fraction);
            totalDead += dead;
            totalUnits += n;
            if (fraction > worst) {
                worst = fraction;
                worstLayer = e.getKey();
                worstDead = dead;
                worstUnits = n;
                worstWholeEpoch = wholeEpoch;
                worstFirstDied = firstDied;
                worstLastDied = lastDied;
                worstSteps = units.steps();
            }
        }
        alive.clear();
        if (worstLayer == null) {
            return;
        }
        sink.metric("dead_fraction", totalUnits == 0 ? 0.0 : (double) totalDead / totalUnits);
        if (worst >= warnFraction) {
            Severity severity = worst >= criticalFraction ? Severity.CRITICAL : Severity.WARNING;
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("dead_units", worstDead);
            evidence.put("units", worstUnits);
            evidence.put("dead_fraction", worst);
            evidence.put("dead_units_all_layers", totalDead);
            evidence.put("units_all_layers", totalUnits);
            evidence.put("dead_whole_epoch", worstWholeEpoch);
            evidence.put("epoch", model.epoch());
            evidence.put("epoch_steps", worstSteps);
            String when;
            if (worstWholeEpoch == worstDead) {
                when = "output zero for every training sample of epoch " + model.epoch() + " (dead since step " + (firstStep)
                        + " or earlier)";
            } else {
                long first = firstStep + worstFirstDied;
                long last = firstStep + worstLastDied;
                evidence.put("died_first_step", first);
                evidence.put("died_last_step", last);
                when = "output zero for every training sample since step " + first + (last != first ? " (the first; the last died at step "
                        + last + ")" : "") + " of epoch " + model.epoch() + " to its end at step " + (firstStep + worstSteps - 1)
                        + (worstWholeEpoch > 0 ? "; " + worstWholeEpoch + " of them were silent for the whole epoch" : "");
            }
            sink.finding(new Finding(severity, "dead-units", "dead ReLU units: " + worstDead + " of " + worstUnits + " units ("
                    + Views.pct(worst) + ") of layer '" + worstLayer + "' " + when + ", so they get no gradient and stop learning ("
                    + totalDead + " of " + totalUnits + " rectifying units in the whole network)", worstLayer, evidence,
                    List.copyOf(Remedies.DEAD)));
        }
    }
}
