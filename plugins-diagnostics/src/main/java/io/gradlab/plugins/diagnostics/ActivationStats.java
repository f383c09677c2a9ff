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
    private final Map<String, Running> sums = new LinkedHashMap<>();
    private final Map<String, Boolean> rectifying = new LinkedHashMap<>();
    private int epoch = Integer.MIN_VALUE;

    ActivationStats(int every) {
        this.sampler = new Sampler(every);
    }

    /**
     * One layer's figures over the sampled batches of the epoch: count, sum, sum of squares, minimum and
     * maximum. The extremes only serve the constant-activations finding, and once the outputs are known
     * to vary (finite extremes further apart than the finding's tolerance) no later finite value can
     * make them constant again (the range only grows, and faster than the tolerance): from then on the
     * float32 path keeps the minimum exact (a later +Infinity would make the old figures "constant"
     * again, with the minimum in the evidence) but updates the maximum only for a batch with a
     * non-finite value (which decides the finding: NaN never, +Infinity always). The reported figures
     * and findings are the same as with both extremes kept exactly.
     */
    static final class Running {
        double n;
        double sum;
        double sq;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        boolean varying;

        /** Whether the outputs are constant by the finding's rule (false for NaN extremes). */
        boolean constant() {
            return max - min <= 1e-7 * Math.max(1, Math.abs(max));
        }

        void updateVarying() {
            varying = Double.isNaN(min) || Double.isNaN(max) || (Double.isFinite(min) && Double.isFinite(max) && !constant());
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
            if (out != null) {
                rectifying.put(v.name(), v.activation().family() == Activation.Family.RECTIFYING);
                layerSums.add(out, sums.computeIfAbsent(v.name(), k -> new Running()));
            }
        }
        model.ops().parallelFor(layerSums.size, layerSums); // the layers side by side: each part writes its own sums
        layerSums.clear();
    }

    private final LayerSums layerSums = new LayerSums();

    /** The activation outputs of one step, each accumulated as one part of {@link ModelView#forEachPart}. Reused. */
    private static final class LayerSums implements java.util.function.IntConsumer {
        private Tensor[] outputs = new Tensor[8];
        private Running[] sums = new Running[8];
        private int size;

        void add(Tensor out, Running s) {
            if (size == outputs.length) { // more layers than ever before: once per model
                outputs = java.util.Arrays.copyOf(outputs, size * 2);
                sums = java.util.Arrays.copyOf(sums, size * 2);
            }
            outputs[size] = out;
            sums[size] = s;
            size++;
        }

        void clear() {
            java.util.Arrays.fill(outputs, 0, size, null);
            java.util.Arrays.fill(sums, 0, size, null);
            size = 0;
        }

        @Override
        public void accept(int i) {
            accumulate(outputs[i], sums[i]);
        }
    }

    /** Adds {@code t}'s count, sum and sum of squares to {@code s} and folds its extremes in (see {@link Running}). */
    static void accumulate(Tensor t, Running s) {
        if (t.dtype() == DType.F32) {
            float[] a = t.floats();
            if (s.varying) {
                accumulateVarying(a, s);
            } else {
                accumulate(a, s);
            }
        } else {
            double sum = 0;
            double sq = 0;
            double min = s.min;
            double max = s.max;
            for (double d : t.doubles()) {
                sum += d;
                sq += d * d;
                min = Math.min(min, d);
                max = Math.max(max, d);
            }
            s.n += t.size();
            s.sum += sum;
            s.sq += sq;
            s.min = min;
            s.max = max;
        }
        s.updateVarying();
    }

    /*
     * The float32 path, without a branch that depends on the data: four double sums of the values and
     * four of the squares (independent chains, so that the adds do not wait on each other; only the
     * order of the additions differs from one running sum, i.e. the last bits), and the minimum and
     * maximum taken on integer keys that order the floats as Math.min/max do (-0.0 below 0.0), which
     * costs less than Math.min/max per element. A NaN is the one case the keys get wrong; then
     * Math.min/max return NaN from there on, and the sum of squares is NaN exactly when an element is.
     */
    static void accumulate(float[] a, Running s) {
        int n = a.length;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double q0 = 0;
        double q1 = 0;
        double q2 = 0;
        double q3 = 0;
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            float f0 = a[i];
            float f1 = a[i + 1];
            float f2 = a[i + 2];
            float f3 = a[i + 3];
            double d0 = f0;
            double d1 = f1;
            double d2 = f2;
            double d3 = f3;
            s0 += d0;
            s1 += d1;
            s2 += d2;
            s3 += d3;
            q0 += d0 * d0;
            q1 += d1 * d1;
            q2 += d2 * d2;
            q3 += d3 * d3;
            int k0 = key(f0);
            int k1 = key(f1);
            int k2 = key(f2);
            int k3 = key(f3);
            min = Math.min(min, Math.min(Math.min(k0, k1), Math.min(k2, k3)));
            max = Math.max(max, Math.max(Math.max(k0, k1), Math.max(k2, k3)));
        }
        for (; i < n; i++) {
            double d = a[i];
            s0 += d;
            q0 += d * d;
            int k = key(a[i]);
            min = Math.min(min, k);
            max = Math.max(max, k);
        }
        double sq = (q0 + q1) + (q2 + q3);
        s.n += n;
        s.sum += (s0 + s1) + (s2 + s3);
        s.sq += sq;
        if (Double.isNaN(sq)) {
            s.min = Double.NaN;
            s.max = Double.NaN;
        } else if (n > 0) {
            s.min = Math.min(s.min, unkey(min));
            s.max = Math.max(s.max, unkey(max));
        }
    }

    /*
     * The float32 path once the outputs vary (see Running): the sums, and the minimum by comparison
     * (cheaper than the keys when it is the only extreme). A comparison differs from Math.min for a NaN
     * (not here: then the batch is done as above) and for a zero minimum, whose sign is that of the
     * first zero met; Math.min prefers -0.0, so a minimum of 0.0 is checked for a -0.0.
     */
    static void accumulateVarying(float[] a, Running s) {
        int n = a.length;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double q0 = 0;
        double q1 = 0;
        double q2 = 0;
        double q3 = 0;
        float min = Float.POSITIVE_INFINITY;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            float f0 = a[i];
            float f1 = a[i + 1];
            float f2 = a[i + 2];
            float f3 = a[i + 3];
            double d0 = f0;
            double d1 = f1;
            double d2 = f2;
            double d3 = f3;
            s0 += d0;
            s1 += d1;
            s2 += d2;
            s3 += d3;
            q0 += d0 * d0;
            q1 += d1 * d1;
            q2 += d2 * d2;
            q3 += d3 * d3;
            min = f0 < min ? f0 : min;
            min = f1 < min ? f1 : min;
            min = f2 < min ? f2 : min;
            min = f3 < min ? f3 : min;
        }
        for (; i < n; i++) {
            float f = a[i];
            double d = f;
            s0 += d;
            q0 += d * d;
            min = f < min ? f : min;
        }
        double sq = (q0 + q1) + (q2 + q3);
        if (!Double.isFinite(sq)) {
            accumulate(a, s); // a NaN or an infinity: both extremes, exactly
            return;
        }
        s.n += n;
        s.sum += (s0 + s1) + (s2 + s3);
        s.sq += sq;
        if (min == 0f && Float.floatToRawIntBits(min) == 0 && hasNegativeZero(a)) {
            min = -0f;
        }
        s.min = Math.min(s.min, min);
    }

    private static boolean hasNegativeZero(float[] a) {
        for (float f : a) {
            if (Float.floatToRawIntBits(f) == 0x8000_0000) {
                return true;
            }
        }
        return false;
    }

    /**
     * An int whose order is the order of the floats (-0.0 below 0.0; NaN excluded): the bits of a
     * float are its magnitude and its sign, so the bits of a negative float are turned around.
     */
    private static int key(float f) {
        int bits = Float.floatToRawIntBits(f);
        return bits ^ ((bits >> 31) >>> 1);
    }

    /** The float of a {@link #key}: the same turn undoes it. */
    private static float unkey(int key) {
        return Float.intBitsToFloat(key ^ ((key >> 31) >>> 1));
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
            boolean allZeroRectifier = rectifying.getOrDefault(e.getKey(), false) && s.max == 0 && s.min == 0; // dead-units says it
            if (!allZeroRectifier && s.constant()) {
                sink.finding(new Finding(Severity.WARNING, "constant-activations", "constant activations: every unit of layer '"
                        + e.getKey() + "' outputs " + Views.num(mean) + " for every sampled training input, so the layers after it"
                        + " see nothing of the input", e.getKey(), Map.of("mean", mean, "std", std, "min", s.min, "max", s.max),
                        List.of(Remedies.RANDOM_INIT, Remedies.ZERO_BIAS, Remedies.BETTER_INIT)));
            }
        }
        sums.clear();
        rectifying.clear();
    }
}
