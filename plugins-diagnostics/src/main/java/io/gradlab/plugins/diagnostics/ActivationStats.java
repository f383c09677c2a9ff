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
 * kernel reductions ({@link Ops#sum}) split by rows ({@link Ops#parallelFor}, {@link RowParts}): each kernel
 * thread sums its part's rows of every layer, the rows the engine's step split by rows computed on that thread
 * (so that no core reads the rows the other wrote); the parts' sums are added in part order.
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
    private final IntConsumer sumPart = this::sumPart;
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

        /** Per part: its rows' sum, sum of squares and count of values outside the extremes; the arguments of a part. */
        double[] partSum = new double[0];
        double[] partSquares = new double[0];
        double[] partOutside = new double[0];
        Tensor[][] partArgs = new Tensor[0][];
        /** The parts' rows of this layer's outputs (views kept: a warm step allocates nothing). */
        RowParts rowParts = new RowParts(1);

        /** Makes the per-part state for {@code parts} parts (once, or when their number changes). */
        void prepare(int parts) {
            if (partSum.length != parts) {
                rowParts = new RowParts(parts);
                partSum = new double[parts];
                partSquares = new double[parts];
                partOutside = new double[parts];
                partArgs = new Tensor[parts][1];
            }
            range[0] = min; // the parts only read the extremes
            range[1] = max;
        }

        /** Part {@code p}'s sums of its rows of {@link #output}; writes only the part's state. */
        void sumRows(Ops ops, int p) {
            Tensor rows = rowParts.rows(output, p);
            partSum[p] = 0;
            partSquares[p] = 0;
            partOutside[p] = 0;
            if (rows == null || rows.size() == 0) {
                return;
            }
            Tensor[] args = partArgs[p];
            args[0] = rows;
            partSum[p] = ops.sum(VALUE, null, args);
            partSquares[p] = ops.sum(SQUARE, null, args);
            if (!varying && min <= max) { // the extremes are known: count the values outside them
                partOutside[p] = ops.sum(OUTSIDE, range, args);
            }
            args[0] = null;
        }

        /** Adds the parts' figures of {@link #output}, in part order (after every part has summed). */
        void combine(int parts) {
            Tensor t = output;
            output = null;
            if (t.size() == 0) {
                return;
            }
            double s = 0;
            double q = 0;
            double outside = 0;
            for (int p = 0; p < parts; p++) {
                s += partSum[p];
                q += partSquares[p];
                outside += partOutside[p];
            }
            boolean first = min > max; // the first batch of the epoch: no extremes yet
            n += t.size();
            sum += s;
            sq += q;
            if (!varying) {
                if (!Double.isFinite(q)) {
                    varying = true; // a NaN or an infinity is not a constant output (and the NaN sentinel's business)
                } else if (first || outside > 0) {
                    extremes(t);
                    varying = !constant();
                }
            }
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
        int parts = Math.max(1, ops.threads());
        for (int i = 0; i < sampledCount; i++) {
            sampled[i].prepare(parts);
        }
        ops.parallelFor(parts, sumPart); // each part sums its rows of every layer, on its thread
        for (int i = 0; i < sampledCount; i++) {
            sampled[i].combine(parts);
        }
        Arrays.fill(sampled, 0, sampledCount, null);
        sampledCount = 0;
        ops = null;
    }

    private void sumPart(int p) {
        for (int i = 0; i < sampledCount; i++) {
            sampled[i].sumRows(ops, p);
        }
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
