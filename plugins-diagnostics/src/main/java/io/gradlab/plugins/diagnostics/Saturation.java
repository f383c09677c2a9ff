package io.gradlab.plugins.diagnostics;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * {@code saturation}: in each SATURATING activation layer (sigmoid, tanh), the units whose local
 * derivative is below {@code threshold} (1%) of the activation's {@link Activation#maxDerivative()}
 * for most ({@code majority}) of the sampled training samples: such a unit passes almost no
 * gradient back. Samples every {@code every}-th step; writes {@code saturated_fraction} per
 * activation layer.
 *
 * <p>A sampled step counts, per unit, the rows with {@code |f'(x, y)| < limit} as one column sum of
 * the activation's own derivative expression ({@link ElementwiseActivation#derivativeExpression()}),
 * so any elementwise activation is counted by the vectorized kernels; an activation with parameters
 * is counted on its {@code backward()} of a gradient of ones. The count is split by rows over the
 * kernel threads ({@link Ops#parallelFor}, {@link RowParts}): each thread counts the rows of every layer
 * that the kernels' same part computed, where they are in its cache; the counts are integers, so the
 * split does not change them.
 */
final class Saturation implements Diagnostic {
    /** 1 where the magnitude of argument 0 (a derivative) is below scalar 0 (the limit), else 0 (NaN included). */
    private static final Expr SMALL = Expr.arg(0).abs().lt(Expr.scalar(0));

    private final Sampler sampler;
    private final double threshold;
    private final double majority;
    private final double warnFraction;
    private final double criticalFraction;
    private final Map<String, UnitCounts> counts = new LinkedHashMap<>();
    private UnitCounts[] sampled = new UnitCounts[8];
    private int sampledCount;
    private Ops ops;
    private final IntConsumer countPart = this::countPart;
    private int epoch = Integer.MIN_VALUE;

    Saturation(int every, double threshold, double majority, double warnFraction, double criticalFraction) {
        this.sampler = new Sampler(every);
        this.threshold = threshold;
        this.majority = majority;
        this.warnFraction = warnFraction;
        this.criticalFraction = criticalFraction;
    }

    /**
     * One layer's counts in the epoch, and what counting them needs: the count expression (built once,
     * so that the engine compiles it once), the per-unit sums of a batch, and for an activation with
     * parameters a gradient of ones and the gradient it gives. Kept from epoch to epoch; the counts
     * start over.
     */
    static final class UnitCounts {
        final Activation activation;
        final Expr small;
        final double[] limit;
        final long[] saturated;
        long rows;
        Tensor x;
        Tensor y;
        /** Per part: the arguments of its count, its per-unit sums, whether it counted rows of this batch. */
        private Tensor[][] xy = new Tensor[0][];
        private Tensor[] sums = new Tensor[0];
        private boolean[] counted = new boolean[0];
        private RowParts rowParts = new RowParts(1);
        private final Tensor[] gradient = new Tensor[1];
        private final Tensor[] ones = new Tensor[2]; // the full batch and the short last one of an epoch: no allocation once warm
        private final Tensor[] gradX = new Tensor[2];
        private int lastUsed;

        UnitCounts(Activation activation, int units, double limit) {
            this.activation = activation;
            this.small = activation instanceof ElementwiseActivation e
                    ? e.derivativeExpression().abs().lt(Expr.scalar(0)) // arg 0 = x, arg 1 = y
                    : SMALL;
            this.limit = new double[] {limit};
            this.saturated = new long[units];
        }

        /** Makes the per-part state for {@code parts} parts and the batch's element type (once, or when they change). */
        void prepare(int parts) {
            if (sums.length != parts || sums[0].dtype() != y.dtype()) {
                xy = new Tensor[parts][2];
                sums = new Tensor[parts];
                for (int p = 0; p < parts; p++) {
                    sums[p] = Tensor.zeros(y.dtype(), saturated.length);
                }
                counted = new boolean[parts];
                rowParts = new RowParts(parts);
            }
        }

        /**
         * Part {@code p}'s count of the batch's saturated rows per unit, into the part's own sums: its rows of an
         * elementwise activation's input and output; an activation with parameters is counted whole, in part 0.
         */
        void count(Ops ops, int p) {
            // a float32 sum counts exactly up to 2^24 rows, far more than a batch has
            counted[p] = false;
            if (activation instanceof ElementwiseActivation) {
                Tensor xs = rowParts.rows(x, p);
                Tensor ys = rowParts.rows(y, p);
                if (ys == null) {
                    return;
                }
                Tensor[] args = xy[p];
                args[0] = xs;
                args[1] = ys;
                ops.columnSums(small, 0, sums[p], limit, args);
                args[0] = null;
                args[1] = null;
            } else {
                if (p != 0) {
                    return;
                }
                int slot = buffers(y);
                activation.backward(x, y, ones[slot], gradX[slot]);
                gradient[0] = gradX[slot];
                ops.columnSums(small, 0, sums[0], limit, gradient);
                gradient[0] = null;
            }
            counted[p] = true;
        }

        /** Counts the batch as {@code parts} parts would, one after the other on this thread. */
        void countInParts(Ops ops, int parts) {
            prepare(parts);
            for (int p = 0; p < parts; p++) {
                count(ops, p);
            }
            finish();
        }

        /** Adds the parts' counts of the batch to the epoch's (after every part has counted). */
        void finish() {
            for (int p = 0; p < sums.length; p++) {
                if (counted[p]) {
                    for (int u = 0; u < saturated.length; u++) {
                        saturated[u] += (long) sums[p].get(u);
                    }
                }
            }
            rows += y.rows();
            x = null;
            y = null;
        }

        /** The slot of the buffers shaped and typed like {@code y}, made on first use. */
        private int buffers(Tensor y) {
            for (int i = 0; i < ones.length; i++) {
                if (ones[i] != null && ones[i].sameShape(y) && ones[i].dtype() == y.dtype()) {
                    lastUsed = i;
                    return i;
                }
            }
            int slot = ones[0] == null ? 0 : ones[1] == null ? 1 : 1 - lastUsed;
            ones[slot] = Tensor.zeros(y.dtype(), y.shape());
            ones[slot].fill(1);
            gradX[slot] = Tensor.zeros(y.dtype(), y.shape());
            lastUsed = slot;
            return slot;
        }

        void reset() {
            Arrays.fill(saturated, 0);
            rows = 0;
        }
    }

    @Override
    public void afterBackward(ModelView model) {
        if (model.epoch() != epoch) {
            epoch = model.epoch();
            for (UnitCounts c : counts.values()) {
                c.reset();
            }
        }
        if (!sampler.take(model)) {
            return;
        }
        List<LayerView> layers = model.layers();
        for (int i = 0, n = layers.size(); i < n; i++) { // indexed: no iterator, no list of views per step
            LayerView v = layers.get(i);
            Activation activation = v.activation();
            if (activation == null || activation.family() != Activation.Family.SATURATING) {
                continue;
            }
            Tensor x = v.layer().lastInput();
            Tensor y = v.layer().lastOutput();
            if (x == null || y == null || x.dtype() != y.dtype()) { // an activation layer's input and output share a type
                continue;
            }
            int units = y.cols();
            UnitCounts c = counts.get(v.name());
            if (c == null || c.activation != activation || c.saturated.length != units) {
                c = new UnitCounts(activation, units, threshold * activation.maxDerivative());
                counts.put(v.name(), c);
            }
            c.x = x;
            c.y = y;
            c.prepare(model.ops().threads());
            if (sampledCount == sampled.length) { // more layers than ever before: once per model
                sampled = Arrays.copyOf(sampled, 2 * sampledCount);
            }
            sampled[sampledCount++] = c;
        }
        ops = model.ops();
        ops.parallelFor(ops.threads(), countPart); // each part counts its rows of every layer (backward() of one included: on its thread)
        for (int i = 0; i < sampledCount; i++) {
            sampled[i].finish();
        }
        Arrays.fill(sampled, 0, sampledCount, null);
        sampledCount = 0;
        ops = null;
    }

    private void countPart(int p) {
        for (int i = 0; i < sampledCount; i++) {
            sampled[i].count(ops, p);
        }
    }

    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        double worst = -1;
        String worstLayer = null;
        int worstSaturated = 0;
        int worstUnits = 0;
        long worstRows = 0;
        for (Map.Entry<String, UnitCounts> e : counts.entrySet()) {
            UnitCounts c = e.getValue();
            if (c.rows == 0) {
                continue;
            }
            int saturated = 0;
            for (long n : c.saturated) {
                if (n > majority * c.rows) {
                    saturated++;
                }
            }
            double fraction = (double) saturated / c.saturated.length;
            sink.layerMetric(e.getKey(), "saturated_fraction", fraction);
            if (fraction > worst) {
                worst = fraction;
                worstLayer = e.getKey();
                worstSaturated = saturated;
                worstUnits = c.saturated.length;
                worstRows = c.rows;
            }
            c.reset();
        }
        if (worstLayer == null || worst < warnFraction) {
            return;
        }
        Severity severity = worst >= criticalFraction ? Severity.CRITICAL : Severity.WARNING;
        Map<String, Object> evidence = Map.of("saturated_units", worstSaturated, "units", worstUnits, "saturated_fraction", worst,
                "samples", worstRows, "derivative_threshold", threshold);
        sink.finding(new Finding(severity, "saturation", "saturated units: " + worstSaturated + " of " + worstUnits + " units ("
                + Views.pct(worst) + ") of layer '" + worstLayer + "' have a derivative below " + Views.pct(threshold)
                + " of its maximum for more than " + Views.pct(majority) + " of " + worstRows
                + " sampled training inputs, so almost no gradient flows back through them", worstLayer, evidence,
                List.copyOf(Remedies.SATURATION)));
    }
}
