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
        List<LayerView> layers = model.layers();
        for (int i = 0, n = layers.size(); i < n; i++) { // indexed: no iterator, no list of views per step
            LayerView v = layers.get(i);
            Tensor out = v.activation() == null ? null : v.layer().lastOutput();
            if (out != null) {
                rectifying.put(v.name(), v.activation().family() == Activation.Family.RECTIFYING);
                accumulate(out, sums.computeIfAbsent(v.name(),
                        k -> new double[] {0, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}));
            }
        }
    }

    /** Adds {@code t}'s count, sum and sum of squares to {@code s} and folds its minimum and maximum in. */
    static void accumulate(Tensor t, double[] s) {
        if (t.dtype() == DType.F32) {
            accumulate(t.floats(), s);
            return;
        }
        double sum = 0;
        double sq = 0;
        double min = s[3];
        double max = s[4];
        for (double d : t.doubles()) {
            sum += d;
            sq += d * d;
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        s[0] += t.size();
        s[1] += sum;
        s[2] += sq;
        s[3] = min;
        s[4] = max;
    }

    /*
     * The float32 path, without a branch that depends on the data: four double sums of the values and
     * four of the squares (independent chains, so that the adds do not wait on each other; only the
     * order of the additions differs from one running sum, i.e. the last bits), and the minimum and
     * maximum taken on integer keys that order the floats as Math.min/max do (-0.0 below 0.0), which
     * costs less than Math.min/max per element. A NaN is the one case the keys get wrong; then
     * Math.min/max return NaN from there on, and the sum of squares is NaN exactly when an element is.
     */
    static void accumulate(float[] a, double[] s) {
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
        s[0] += n;
        s[1] += (s0 + s1) + (s2 + s3);
        s[2] += sq;
        if (Double.isNaN(sq)) {
            s[3] = Double.NaN;
            s[4] = Double.NaN;
        } else if (n > 0) {
            s[3] = Math.min(s[3], unkey(min));
            s[4] = Math.max(s[4], unkey(max));
        }
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
