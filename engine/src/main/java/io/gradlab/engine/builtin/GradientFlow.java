package io.gradlab.engine.builtin;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares the first hidden layer with the last hidden layer, averaged over the epoch, on two figures
 * the engine measures: the weight-gradient norm and the back-propagated signal ||dL/dz|| that reaches
 * the layer's output. Either ratio below {@code vanishing-ratio} is a vanishing gradient, above
 * {@code exploding-ratio} an exploding one. The verdict weighs its own evidence: a vanishing gradient
 * whose first layer still moves, at a tenth of the last hidden layer's pace or more and at least 1e-5 of
 * its norm per step (update ratio, which
 * an adaptive optimizer such as Adam keeps up) while the loss does not rise is a WARNING ("slow early
 * layers, compensated by the optimizer"), not CRITICAL; an exploding ratio while the loss improves is a
 * WARNING. The loss trend compares the mean loss of the epoch's first and last third of steps.
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
    /** The early layers "still move" when their update ratio is at least this fraction of the last hidden layer's. */
    static final double MOVING_FRACTION = 0.1;
    /** ... and at least this update ratio per step ({@code update-ratio}'s {@code low}: below it a layer is not learning). */
    static final double MIN_MOVING = 1e-5;
    /** The loss "improves" when the mean of the epoch's last third of steps is this much (relative) below its first third's. */
    static final double IMPROVING = 0.01;

    private final double vanishingRatio;
    private final double explodingRatio;
    private double[] losses = new double[64];
    private int steps;
    private int epoch = Integer.MIN_VALUE;

    GradientFlow(double vanishingRatio, double explodingRatio) {
        this.vanishingRatio = vanishingRatio;
        this.explodingRatio = explodingRatio;
    }

    private static String percent(double fraction) {
        return new BigDecimal(fraction * 100).round(new MathContext(2)).stripTrailingZeros().toPlainString() + "%";
    }

    /** Keeps the loss of each step of the epoch (for its trend); the array grows to the epoch's length once. */
    @Override
    public void afterBackward(ModelView model) {
        if (model.epoch() != epoch) {
            epoch = model.epoch();
            steps = 0;
        }
        if (steps == losses.length) {
            losses = Arrays.copyOf(losses, losses.length * 2);
        }
        losses[steps++] = model.loss();
    }

    /** The mean loss of the epoch's first third and last third of steps, or {@code null} with fewer than 3 steps. */
    private double[] lossTrend() {
        if (steps < 3) {
            return null;
        }
        int third = steps / 3;
        double first = 0;
        double last = 0;
        for (int i = 0; i < third; i++) {
            first += losses[i];
            last += losses[steps - 1 - i];
        }
        return new double[] {first / third, last / third};
    }

    /** Reads the epoch's figures the engine measured ({@link ModelView#epochWeightGradNorm}, {@link ModelView#epochSignalNorm}). */
    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        List<LayerView> weighted = model.weightedLayers();
        int seen = model.epoch() == epoch ? steps : 0;
        epoch = Integer.MIN_VALUE;
        if (weighted.size() < 3) {
            return; // needs at least two hidden layers and an output layer
        }
        int hidden = weighted.size() - 1;
        List<String> names = weighted.subList(0, hidden).stream().map(LayerView::name).toList();
        double[] means = new double[hidden];
        double[] signals = new double[hidden];
        for (int i = 0; i < hidden; i++) {
            means[i] = model.epochWeightGradNorm(i);
            signals[i] = model.epochSignalNorm(i);
        }
        if (Double.isNaN(means[0]) && Double.isNaN(means[hidden - 1])) {
            return; // no step in this epoch (or a view without the figure)
        }
        double first = means[0];
        double last = means[hidden - 1];
        String firstName = names.get(0);
        String lastName = names.get(hidden - 1);
        double ratio = ratio(first, last);
        double signalRatio = ratio(signals[0], signals[hidden - 1]); // NaN without the figure
        sink.metric("grad_ratio_first_last", ratio);
        if (!Double.isNaN(signalRatio)) {
            sink.metric("signal_ratio_first_last", signalRatio);
        }
        // the hidden layers whose gradient or signal is below the vanishing ratio of the last hidden layer's
        Map<String, Object> ratios = new LinkedHashMap<>();
        Map<String, Object> signalRatios = new LinkedHashMap<>();
        List<String> affected = new ArrayList<>();
        for (int i = 0; i < hidden - 1; i++) {
            double r = last == 0 ? Double.NaN : means[i] / last;
            double s = ratio(signals[i], signals[hidden - 1]);
            ratios.put(names.get(i), r);
            if (!Double.isNaN(s)) {
                signalRatios.put(names.get(i), s);
            }
            if (r < vanishingRatio || s < vanishingRatio) {
                affected.add(names.get(i));
            }
        }
        double[] trend = seen == steps ? lossTrend() : null;
        boolean improving = trend != null && trend[1] < trend[0] * (1 - IMPROVING);
        boolean rising = trend != null && trend[1] > trend[0] * (1 + IMPROVING);
        double firstUpdate = model.epochUpdateRatio(0);
        double lastUpdate = model.epochUpdateRatio(hidden - 1);
        boolean moving = firstUpdate >= MIN_MOVING && lastUpdate > 0 && firstUpdate >= MOVING_FRACTION * lastUpdate;

        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put(firstName + "_grad_norm", first);
        evidence.put(lastName + "_grad_norm", last);
        evidence.put("ratio", ratio);
        if (!Double.isNaN(signalRatio)) {
            evidence.put(firstName + "_signal_norm", signals[0]);
            evidence.put(lastName + "_signal_norm", signals[hidden - 1]);
            evidence.put("signal_ratio", signalRatio);
        }
        if (!Double.isNaN(firstUpdate) && !Double.isNaN(lastUpdate)) {
            evidence.put(firstName + "_update_ratio", firstUpdate);
            evidence.put(lastName + "_update_ratio", lastUpdate);
        }
        if (trend != null) {
            evidence.put("loss_first_third", trend[0]);
            evidence.put("loss_last_third", trend[1]);
        }
        boolean gradVanishes = ratio < vanishingRatio;
        boolean signalVanishes = signalRatio < vanishingRatio;
        if (gradVanishes || signalVanishes) {
            evidence.put("ratios_to_last_hidden", ratios);
            if (!signalRatios.isEmpty()) {
                evidence.put("signal_ratios_to_last_hidden", signalRatios);
            }
            evidence.put("affected_layers", List.copyOf(affected));
            evidence.put("early_layers_move", moving);
            evidence.put("loss_improves", improving);
            evidence.put("loss_rises", rising);
            String what = vanishing(gradVanishes, signalVanishes, firstName, lastName, ratio, first, last, signalRatio, signals, affected);
            Severity severity;
            String verdict;
            if (moving && !rising) {
                severity = Severity.WARNING;
                verdict = String.format(Locale.ROOT, "slow early layers, compensated by the optimizer: %s; but '%s' still moves"
                        + " (update ratio %.3g per step against %.3g for '%s'), so the early layers learn; %s", what, firstName, firstUpdate,
                        lastUpdate, lastName, trend == null ? "too few steps to see the loss move"
                                : improving ? String.format(Locale.ROOT, "the loss improves (%.4g to %.4g)", trend[0], trend[1])
                                : String.format(Locale.ROOT, "the loss is on a plateau (%.4g to %.4g): give it more steps", trend[0], trend[1]));
            } else {
                severity = Severity.CRITICAL;
                verdict = "vanishing gradient: " + what + "; " + consequence(moving, improving, firstName, firstUpdate, lastUpdate, trend);
            }
            sink.finding(new Finding(severity, "vanishing-gradient", verdict, firstName, evidence, VANISHING_REMEDIES));
        } else if (ratio > explodingRatio || signalRatio > explodingRatio) {
            boolean byGrad = ratio > explodingRatio;
            String what = String.format(Locale.ROOT, "exploding gradient: the first hidden layer '%s' gets %s %.3g times the last hidden"
                    + " layer's '%s'", firstName, byGrad ? "a weight gradient" : "a back-propagated signal ||dL/dz||",
                    byGrad ? ratio : signalRatio, lastName);
            if (improving) {
                sink.finding(new Finding(Severity.WARNING, "exploding-gradient", what + String.format(Locale.ROOT,
                        "; the loss still improves (%.4g to %.4g): watch it, clip if it turns", trend[0], trend[1]), firstName, evidence,
                        EXPLODING_REMEDIES));
            } else {
                sink.finding(new Finding(Severity.CRITICAL, "exploding-gradient", what, firstName, evidence, EXPLODING_REMEDIES));
            }
        }
    }

    private static double ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.NaN;
        }
        return b == 0 ? (a == 0 ? 1 : Double.POSITIVE_INFINITY) : a / b;
    }

    private String vanishing(boolean gradVanishes, boolean signalVanishes, String firstName, String lastName, double ratio, double first,
                             double last, double signalRatio, double[] signals, List<String> affected) {
        List<String> parts = new ArrayList<>();
        if (gradVanishes) {
            parts.add(String.format(Locale.ROOT, "the first hidden layer '%s' gets a weight gradient %.3g times the last hidden layer's '%s'"
                    + " (%.3g vs %.3g)", firstName, ratio, lastName, first, last));
        }
        if (signalVanishes) {
            parts.add(String.format(Locale.ROOT, "the back-propagated signal ||dL/dz|| shrinks to %.3g times from '%s' to '%s' (%.3g vs %.3g)%s",
                    signalRatio, lastName, firstName, signals[signals.length - 1], signals[0],
                    gradVanishes ? "" : " although the weight gradients look balanced"));
        }
        return String.join(" and ", parts) + String.format(Locale.ROOT, "; the early layer%s %s get%s less than %s of it",
                affected.size() == 1 ? "" : "s", String.join(", ", affected), affected.size() == 1 ? "s" : "", percent(vanishingRatio));
    }

    private static String consequence(boolean moving, boolean improving, String firstName, double firstUpdate, double lastUpdate, double[] trend) {
        String loss = trend == null ? "too few steps to see the loss move"
                : improving ? String.format(Locale.ROOT, "the loss improves (%.4g to %.4g) only through the late layers", trend[0], trend[1])
                : trend[1] > trend[0] * (1 + IMPROVING) ? String.format(Locale.ROOT, "the loss rises (%.4g to %.4g)", trend[0], trend[1])
                : String.format(Locale.ROOT, "the loss does not improve (%.4g to %.4g)", trend[0], trend[1]);
        if (moving) {
            return String.format(Locale.ROOT, "'%s' still moves (update ratio %.3g against %.3g) but %s", firstName, firstUpdate, lastUpdate, loss);
        }
        if (Double.isNaN(firstUpdate) || Double.isNaN(lastUpdate)) {
            return "the early layers barely learn";
        }
        return String.format(Locale.ROOT, "the early layers barely learn (update ratio of '%s' %.3g per step against %.3g) and %s",
                firstName, firstUpdate, lastUpdate, loss);
    }
}
