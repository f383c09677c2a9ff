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
import java.util.function.IntConsumer;

/**
 * {@code activation-stats}: mean and standard deviation of every activation layer's output over the
 * sampled training batches of the epoch (every {@code every}-th step); writes {@code act_mean} and
 * {@code act_std} per activation layer. An output that does not vary at all (every unit of every
 * sample the same finite value) means the layer carries no information about its input. The sums are
 * kernel reductions ({@link Ops#sum}), the layers side by side ({@link Ops#parallelFor}).
 */
final class ActivationStats implements Diagnostic {
    private static final Expr VALUE = Expr.arg(0);
    private static final Expr SQUARE = VALUE.square();
    /** 1 for a value outside {@code [scalar 0, scalar 1]}, else 0 (NaN included). */
    private static final Expr OUTSIDE = VALUE.lt(Expr.scalar(0)).add(VALUE.gt(Expr.scalar(1)));

    private final Sampler sampler;
    private final Map<String, Running> sums = new LinkedHashMap<>();
    private Running[] sampled = new Running[8];
    private int sampledCount;
    private Ops ops;
    private final IntConsumer accumulateLayer = i -> sampled[i].accumulate(ops);
    private int epoch = Integer.MIN_VALUE;

    ActivationStats(int every) {
        this.sampler = new Sampler(every);
    }

    /**
     * One layer's figures over the sampled batches of the epoch: count, sum and sum of squares, and
     * whether the outputs may still be constant, with their extremes while they may. The extremes
     * serve only the constant-activations finding: a batch within the known extremes leaves them as
     * they are (one count of the values outside), and once the outputs are known to vary (finite
     * extremes further apart than the finding's tolerance, or a value that is not finite) they are
     * not looked at again: the range only grows, and faster than the tolerance.
     */
    static final class Running {
        final boolean rectifying;
        double n;
        double sum;
        double sq;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        boolean varying;
        Tensor output;
        private final Tensor[] args = new Tensor[1];
        private final double[] range = new double[2];

        Running(boolean rectifying) {
            this.rectifying = rectifying;
        }

        /** Whether the outputs are constant by the finding's rule. */
        boolean constant() {
            return !varying && n > 0 && max - min <= 1e-7 * Math.max(1, Math.abs(max));
        }

        /** Adds {@link #output}'s figures; writes only this layer's state (one part of the step). */
        void accumulate(Ops ops) {
            Tensor t = output;
            output = null;
            if (t.size() == 0) {
                return;
            }
            args[0] = t;
            double s = ops.sum(VALUE, null, args);
            double q = ops.sum(SQUARE, null, args);
            n += t.size();
            sum += s;
            sq += q;
            if (!varying) {
                if (!Double.isFinite(q)) {
                    varying = true; // a NaN or an infinity is not a constant output (and the NaN sentinel's business)
                } else {
                    if (min > max) { // the first batch of the epoch
                        min = t.get(0);
                        max = min;
                    }
                    range[0] = min;
                    range[1] = max;
                    if (ops.sum(OUTSIDE, range, args) > 0) {
                        extremes(t);
                        varying = !constant();
                    }
                }
            }
            args[0] = null;
        }

        /**
         * Folds {@code t}'s extremes in, element by element: for the first batch of an epoch whose values
         * are not all equal, and after it only while the outputs may still be constant.
         */
        private void extremes(Tensor t) {
            for (int i = 0, size = t.size(); i < size; i++) {
                double v = t.get(i);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
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
        List<LayerView> layers = model.layers();
        for (int i = 0, n = layers.size(); i < n; i++) { // indexed: no iterator, no list of views per step
            LayerView v = layers.get(i);
            Tensor out = v.activation() == null ? null : v.layer().lastOutput();
            if (out == null) {
                continue;
            }
            boolean rectifying = v.activation().family() == Activation.Family.RECTIFYING;
            Running s = sums.get(v.name());
            if (s == null || s.rectifying != rectifying) {
                s = new Running(rectifying);
                sums.put(v.name(), s);
            }
            s.output = out;
            if (sampledCount == sampled.length) { // more layers than ever before: once per model
                sampled = Arrays.copyOf(sampled, 2 * sampledCount);
            }
            sampled[sampledCount++] = s;
        }
        ops = model.ops();
        ops.parallelFor(sampledCount, accumulateLayer); // each part sums one layer
        Arrays.fill(sampled, 0, sampledCount, null);
        sampledCount = 0;
        ops = null;
    }

    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        for (Map.Entry<String, Running> e : sums.entrySet()) {
            Running s = e.getValue();
            if (s.n == 0) {
                continue;
            }
            double mean = s.sum / s.n;
            double std = Math.sqrt(Math.max(0, s.sq / s.n - mean * mean));
            sink.layerMetric(e.getKey(), "act_mean", mean);
            sink.layerMetric(e.getKey(), "act_std", std);
            boolean allZeroRectifier = s.rectifying && s.max == 0 && s.min == 0; // dead-units says it
            if (!allZeroRectifier && s.constant()) {
                sink.finding(new Finding(Severity.WARNING, "constant-activations", "constant activations: every unit of layer '"
                        + e.getKey() + "' outputs " + Views.num(mean) + " for every sampled training input, so the layers after it"
                        + " see nothing of the input", e.getKey(), Map.of("mean", mean, "std", std, "min", s.min, "max", s.max),
                        List.of(Remedies.RANDOM_INIT, Remedies.ZERO_BIAS, Remedies.BETTER_INIT)));
            }
        }
        sums.clear();
    }
}
