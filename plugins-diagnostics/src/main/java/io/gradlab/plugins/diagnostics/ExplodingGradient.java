package io.gradlab.plugins.diagnostics;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code exploding-gradient}: watches the global weight-gradient norm (all weighted layers, before
 * any gradient transform) step by step, from the norms the engine computes anyway. Reports when it
 * exceeds {@code max-norm}, or when the mean of the epoch's last {@code window} steps has grown by
 * {@code growth-orders} orders of magnitude over the mean of its first {@code window} steps. Writes
 * {@code grad_norm_max} and {@code grad_norm_growth} per epoch. It watches the loss too: when the mean
 * loss of the epoch's last {@code window} steps is {@link #LOSS_BLOW_UP} times (or more) the mean of its
 * first, the training diverged ({@code diverging-loss}, CRITICAL: the root cause of the dead or
 * saturated units that follow a blow-up). Everything is measured within the
 * epoch, so that a resumed run writes the same figures as an uninterrupted one.
 */
final class ExplodingGradient implements Diagnostic {
    /** The growth of the loss within an epoch (last window's mean over the first window's) that is a divergence. */
    static final double LOSS_BLOW_UP = 10;
    private final double maxNorm;
    private final double growthOrders;
    private final int window;
    private final double[] recent;
    private final double[] recentLoss;
    private double lossBaselineSum;
    private int lossBaselineCount;
    private long lossSeen;
    private double lossMax;
    private long lossMaxStep;
    private double baselineSum;
    private int baselineCount;
    private long seen;
    private double epochMax;
    private long epochMaxStep;
    private String epochMaxLayer;
    private double epochMaxLayerNorm;
    private int epoch = Integer.MIN_VALUE;

    ExplodingGradient(double maxNorm, double growthOrders, int window) {
        this.maxNorm = maxNorm;
        this.growthOrders = growthOrders;
        this.window = window;
        this.recent = new double[window];
        this.recentLoss = new double[window];
    }

    @Override
    public void afterBackward(ModelView model) {
        if (model.epoch() != epoch) {
            epoch = model.epoch();
            baselineSum = 0;
            baselineCount = 0;
            seen = 0;
            epochMax = 0;
            epochMaxLayer = null;
            lossBaselineSum = 0;
            lossBaselineCount = 0;
            lossSeen = 0;
            lossMax = Double.NEGATIVE_INFINITY;
        }
        watchLoss(model);
        double total = 0;
        double largest = -1;
        String largestLayer = null;
        List<LayerView> weighted = model.weightedLayers();
        for (int i = 0, n = weighted.size(); i < n; i++) {
            double g = model.weightGradNorm(i); // not weightGradNorms(): no array per step
            double s = g * g;
            total += s;
            if (s > largest) {
                largest = s;
                largestLayer = weighted.get(i).name();
            }
        }
        double norm = Math.sqrt(total);
        if (!Double.isFinite(norm)) {
            return; // the NaN sentinel's business
        }
        if (baselineCount < window) {
            baselineSum += norm;
            baselineCount++;
        }
        recent[(int) (seen++ % window)] = norm;
        if (norm > epochMax) {
            epochMax = norm;
            epochMaxStep = model.step();
            epochMaxLayer = largestLayer;
            epochMaxLayerNorm = Math.sqrt(largest);
        }
    }

    private void watchLoss(ModelView model) {
        double loss = model.loss();
        if (!Double.isFinite(loss)) {
            return; // the NaN sentinel's business
        }
        if (lossBaselineCount < window) {
            lossBaselineSum += loss;
            lossBaselineCount++;
        }
        recentLoss[(int) (lossSeen++ % window)] = loss;
        if (loss > lossMax) {
            lossMax = loss;
            lossMaxStep = model.step();
        }
    }

    /** {@code diverging-loss} when the loss of the epoch's last steps is {@link #LOSS_BLOW_UP} times that of its first. */
    private void lossFinding(ModelView model, DiagnosticSink sink) {
        if (lossSeen <= window) {
            return; // the first and the last window would overlap
        }
        double first = lossBaselineSum / lossBaselineCount;
        double last = 0;
        for (double v : recentLoss) {
            last += v;
        }
        last /= window;
        if (first > 0 && last >= LOSS_BLOW_UP * first) {
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("first_steps_loss", first);
            evidence.put("last_steps_loss", last);
            evidence.put("max_loss", lossMax);
            evidence.put("max_loss_step", lossMaxStep);
            evidence.put("epoch", model.epoch());
            sink.finding(new Finding(Severity.CRITICAL, "diverging-loss", "the training diverged: the loss grew from " + Views.num(first)
                    + " over the first " + window + " steps of epoch " + model.epoch() + " to " + Views.num(last) + " over its last "
                    + window + " (largest " + Views.num(lossMax) + " at step " + lossMaxStep + "); the updates are too large, and the"
                    + " dead, saturated or stuck units that follow are its consequence", null, evidence, List.copyOf(Remedies.NON_FINITE)));
        }
    }

    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        lossFinding(model, sink);
        lossSeen = 0;
        if (seen == 0) {
            return;
        }
        int n = (int) Math.min(seen, window);
        double recentSum = 0;
        for (int i = 0; i < n; i++) {
            recentSum += recent[i];
        }
        double baseline = baselineSum / baselineCount;
        double current = recentSum / n;
        double growth = baseline > 1e-12 ? current / baseline : Double.NaN;
        sink.metric("grad_norm_max", epochMax);
        if (!Double.isNaN(growth)) {
            sink.metric("grad_norm_growth", growth);
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("max_grad_norm", epochMax);
        evidence.put("max_grad_norm_step", epochMaxStep);
        evidence.put("first_steps_grad_norm", baseline);
        evidence.put("last_steps_grad_norm", current);
        if (epochMaxLayer != null) {
            evidence.put("largest_layer_grad_norm", epochMaxLayerNorm);
        }
        if (epochMax > maxNorm) {
            sink.finding(new Finding(Severity.CRITICAL, "exploding-gradient", "exploding gradient: the weight-gradient norm reached "
                    + Views.num(epochMax) + " at step " + epochMaxStep + " (limit " + Views.num(maxNorm) + "), most of it in layer '"
                    + epochMaxLayer + "' (" + Views.num(epochMaxLayerNorm) + "); one such step can throw the weights far off",
                    epochMaxLayer, evidence, List.copyOf(Remedies.EXPLODING)));
        } else if (!Double.isNaN(growth) && growth >= Math.pow(10, growthOrders)) {
            sink.finding(new Finding(Severity.CRITICAL, "exploding-gradient", "exploding gradient: the weight-gradient norm grew "
                    + Views.num(growth) + "-fold within epoch " + model.epoch() + ", from " + Views.num(baseline) + " over its first "
                    + baselineCount + " steps to " + Views.num(current) + " over its last " + n + "; the largest is in layer '"
                    + epochMaxLayer + "'",
                    epochMaxLayer, evidence, List.copyOf(Remedies.EXPLODING)));
        }
        epochMax = 0;
        epochMaxLayer = null;
        seen = 0;
    }
}
