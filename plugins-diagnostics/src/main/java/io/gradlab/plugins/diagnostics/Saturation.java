package io.gradlab.plugins.diagnostics;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code saturation}: in each SATURATING activation layer (sigmoid, tanh), the units whose local
 * derivative is below {@code threshold} (1%) of the activation's {@link Activation#maxDerivative()}
 * for most ({@code majority}) of the sampled training samples: such a unit passes almost no
 * gradient back. Samples every {@code every}-th step; writes {@code saturated_fraction} per
 * activation layer.
 */
final class Saturation implements Diagnostic {
    private final Sampler sampler;
    private final double threshold;
    private final double majority;
    private final double warnFraction;
    private final double criticalFraction;
    private final Map<String, Counts> counts = new LinkedHashMap<>();
    private int epoch = Integer.MIN_VALUE;

    /** Per unit, how many sampled rows had a saturated derivative; and the buffers of a non-elementwise activation. */
    private static final class Counts {
        final long[] saturated;
        long rows;
        final Buffers[] buffers = new Buffers[2]; // the full batch and the short last one of an epoch: no allocation once warm
        int lastUsed;

        Counts(int units) {
            saturated = new long[units];
        }

        /** A gradient of ones and a scratch tensor shaped and typed like {@code y}. */
        Buffers buffers(Tensor y) {
            for (int i = 0; i < buffers.length; i++) {
                Buffers b = buffers[i];
                if (b != null && b.ones.sameShape(y) && b.ones.dtype() == y.dtype()) {
                    lastUsed = i;
                    return b;
                }
            }
            int slot = buffers[0] == null ? 0 : buffers[1] == null ? 1 : 1 - lastUsed;
            Tensor ones = Tensor.zeros(y.dtype(), y.shape());
            ones.fill(1);
            buffers[slot] = new Buffers(ones, Tensor.zeros(y.dtype(), y.shape()));
            lastUsed = slot;
            return buffers[slot];
        }
    }

    private record Buffers(Tensor ones, Tensor scratch) {}

    Saturation(int every, double threshold, double majority, double warnFraction, double criticalFraction) {
        this.sampler = new Sampler(every);
        this.threshold = threshold;
        this.majority = majority;
        this.warnFraction = warnFraction;
        this.criticalFraction = criticalFraction;
    }

    @Override
    public void afterBackward(ModelView model) {
        if (model.epoch() != epoch) {
            epoch = model.epoch();
            counts.clear();
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
            if (x == null || y == null) {
                continue;
            }
            int units = y.cols();
            Counts c = counts.get(v.name());
            if (c == null || c.saturated.length != units) {
                c = new Counts(units);
                counts.put(v.name(), c);
            }
            double limit = threshold * activation.maxDerivative();
            if (activation instanceof ElementwiseActivation e) {
                layerCounts.add(e, x, y, c, limit); // counted below, layers side by side
            } else {
                count(activation, x, y, c, limit); // backward() may use the kernels: on this thread
            }
        }
        model.ops().parallelFor(layerCounts.size, layerCounts);
        layerCounts.clear();
    }

    private final LayerCounts layerCounts = new LayerCounts();

    /**
     * The elementwise layers of one step, each counted as one part of {@link ModelView#forEachPart}:
     * a part writes only its layer's counters, and {@code derivative(x, y)} is a pure function. Reused.
     */
    private static final class LayerCounts implements java.util.function.IntConsumer {
        private ElementwiseActivation[] activations = new ElementwiseActivation[8];
        private Tensor[] xs = new Tensor[8];
        private Tensor[] ys = new Tensor[8];
        private Counts[] counts = new Counts[8];
        private double[] limits = new double[8];
        private int size;

        void add(ElementwiseActivation e, Tensor x, Tensor y, Counts c, double limit) {
            if (size == activations.length) { // more layers than ever before: once per model
                int n = size * 2;
                activations = java.util.Arrays.copyOf(activations, n);
                xs = java.util.Arrays.copyOf(xs, n);
                ys = java.util.Arrays.copyOf(ys, n);
                counts = java.util.Arrays.copyOf(counts, n);
                limits = java.util.Arrays.copyOf(limits, n);
            }
            activations[size] = e;
            xs[size] = x;
            ys[size] = y;
            counts[size] = c;
            limits[size] = limit;
            size++;
        }

        void clear() {
            java.util.Arrays.fill(activations, 0, size, null);
            java.util.Arrays.fill(xs, 0, size, null);
            java.util.Arrays.fill(ys, 0, size, null);
            java.util.Arrays.fill(counts, 0, size, null);
            size = 0;
        }

        @Override
        public void accept(int i) {
            count(activations[i], xs[i], ys[i], counts[i], limits[i]);
        }
    }

    /*
     * The count is |f'(x, y)| < limit per element, in double as always. The float32 and float64 paths
     * read the arrays instead of Tensor.get (the same values, widened the same way) and add the
     * comparison's outcome as a number instead of branching on it: which units saturate in which row
     * is as good as random, so a branch is mispredicted often, and that, not the arithmetic, was most
     * of the cost (nearly 4x at the reference shapes). FastPathsTest pins these paths to the old code.
     * The float32 count is the activation's own ElementwiseActivation.countSmallDerivatives: the
     * built-in sigmoid answers it with two bands of outputs and a vector compare, exactly.
     *
     * Asking backward() for the derivatives of a whole batch at once (the built-in sigmoid has a
     * vectorized kernel) was measured and gains little: on JDK 17 the JIT vectorizes neither the
     * per-unit count that follows (a conditional add, or a column sum over rows) nor the conversions
     * it would need, so that count alone costs about as much as calling derivative(), which the JIT
     * inlines here; and a float32 backward() rounds the derivative, which can move a value across the
     * limit (the default float32 path of ElementwiseActivation does so for one float in [0, 1] with
     * the sigmoid's derivative).
     */
    private static void count(Activation activation, Tensor x, Tensor y, Counts c, double limit) {
        int rows = y.rows();
        int units = c.saturated.length;
        if (activation instanceof ElementwiseActivation e) {
            if (x.dtype() == DType.F32 && y.dtype() == DType.F32) {
                countGeneric(e, x, y, rows, units, limit, c.saturated);
            } else if (x.dtype() == DType.F64 && y.dtype() == DType.F64) {
                countSaturated(e, x.doubles(), y.doubles(), rows, units, limit, c.saturated);
            } else {
                countGeneric(e, x, y, rows, units, limit, c.saturated);
            }
        } else {
            // an activation with parameters: its derivative is backward() applied to a gradient of ones
            Buffers b = c.buffers(y);
            activation.backward(x, y, b.ones(), b.scratch());
            countBelow(b.scratch(), rows, units, limit, c.saturated);
        }
        c.rows += rows;
    }

    static void countSaturated(ElementwiseActivation e, double[] x, double[] y, int rows, int units, double limit, long[] counts) {
        if (!(limit > 0)) {
            return;
        }
        long bits = Double.doubleToRawLongBits(limit);
        for (int r = 0; r < rows; r++) {
            int base = r * units;
            for (int u = 0; u < units; u++) {
                counts[u] += below(e.derivative(x[base + u], y[base + u]), bits);
            }
        }
    }

    /** The reference: any element types, through {@link Tensor#get(int)}, as the count was first written. */
    static void countGeneric(ElementwiseActivation e, Tensor x, Tensor y, int rows, int units, double limit, long[] counts) {
        for (int r = 0; r < rows; r++) {
            int base = r * units;
            for (int u = 0; u < units; u++) {
                if (Math.abs(e.derivative(x.get(base + u), y.get(base + u))) < limit) {
                    counts[u]++;
                }
            }
        }
    }

    /** Per unit, the elements of {@code g} below {@code limit} in magnitude. */
    static void countBelow(Tensor g, int rows, int units, double limit, long[] counts) {
        if (!(limit > 0)) {
            return;
        }
        long bits = Double.doubleToRawLongBits(limit);
        if (g.dtype() == DType.F32) {
            float[] a = g.floats();
            for (int r = 0; r < rows; r++) {
                int base = r * units;
                for (int u = 0; u < units; u++) {
                    counts[u] += below(a[base + u], bits);
                }
            }
        } else {
            double[] a = g.doubles();
            for (int r = 0; r < rows; r++) {
                int base = r * units;
                for (int u = 0; u < units; u++) {
                    counts[u] += below(a[base + u], bits);
                }
            }
        }
    }

    /**
     * 1 when {@code |d| < limit} for the positive {@code limit} with the bits {@code limitBits}, else 0
     * (NaN included), without a branch: the bits of a non-negative double (and of NaN, above all of
     * them) order as the numbers do, and the sign of the difference is the comparison.
     */
    static long below(double d, long limitBits) {
        return ((Double.doubleToRawLongBits(d) & Long.MAX_VALUE) - limitBits) >>> 63;
    }

    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        double worst = -1;
        String worstLayer = null;
        int worstSaturated = 0;
        int worstUnits = 0;
        long worstRows = 0;
        for (Map.Entry<String, Counts> e : counts.entrySet()) {
            Counts c = e.getValue();
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
        }
        counts.clear();
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
