package io.gradlab.plugins.diagnostics;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code symmetry}: hidden units of a layer whose incoming weights (and bias) are identical compute
 * the same function and get the same gradient, so they stay identical forever: the
 * zero-initialisation symmetry problem. At the end of each epoch, for every weighted layer but the
 * output layer, it groups the rows of the weight matrix (one row per unit) that are equal within
 * {@code tolerance} of the layer's largest weight; writes {@code units}, {@code duplicate_fraction}
 * (units that have an identical twin) and {@code distinct_units} per layer.
 */
final class Symmetry implements Diagnostic {
    private final double tolerance;
    private final double warnFraction;

    Symmetry(double tolerance, double warnFraction) {
        this.tolerance = tolerance;
        this.warnFraction = warnFraction;
    }

    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        List<LayerView> weighted = model.weightedLayers();
        for (int i = 0; i < weighted.size() - 1; i++) {
            LayerView v = weighted.get(i);
            Tensor w = v.weight().value();
            if (w.rank() != 2 || w.rows() < 2 || Views.nonFinite(w) > 0) {
                continue; // a non-finite weight is the sentinel's (or the divergence's) finding, not symmetry
            }
            Parameter bias = Views.bias(v);
            int[] groups = groups(w, bias == null || bias.value().size() != w.rows() ? null : bias.value(), tolerance);
            int units = w.rows();
            int distinct = 0;
            int[] sizes = new int[units];
            for (int g : groups) {
                if (sizes[g]++ == 0) {
                    distinct++;
                }
            }
            int duplicated = 0;
            int largest = 0;
            for (int size : sizes) {
                if (size > 1) {
                    duplicated += size;
                }
                largest = Math.max(largest, size);
            }
            double fraction = (double) duplicated / units;
            sink.layerMetric(v.name(), "units", units);
            sink.layerMetric(v.name(), "duplicate_fraction", fraction);
            sink.layerMetric(v.name(), "distinct_units", distinct);
            if (fraction >= warnFraction) {
                Severity severity = distinct <= Math.max(1, units / 10) ? Severity.CRITICAL : Severity.WARNING;
                Map<String, Object> evidence = Map.of("units", units, "distinct_units", distinct, "largest_identical_group", largest,
                        "duplicate_fraction", fraction, "weight_max_abs", maxAbs(w));
                sink.finding(new Finding(severity, "symmetry", "symmetric units: the " + units + " units of layer '" + v.name()
                        + "' have only " + distinct + " distinct incoming weight vector" + (distinct == 1 ? "" : "s")
                        + " (the largest group of identical units has " + largest + "); identical units get identical gradients and"
                        + " never become different, so the layer acts like " + distinct + " unit" + (distinct == 1 ? "" : "s")
                        + ". This is what a constant (e.g. zero) initialization does to an MLP", v.name(), evidence,
                        List.copyOf(Remedies.SYMMETRY)));
            }
        }
    }

    /**
     * A group id per row: two rows are in the same group when they are equal within {@code tolerance}
     * times the larger absolute entry of the two (weights and bias), so that a few huge rows after a
     * blow-up do not make all the others "equal". Rows are sorted by a fixed random projection first, so
     * only neighbours in that order are compared in full (identical rows have identical projections).
     */
    static int[] groups(Tensor w, Tensor bias, double tolerance) {
        int rows = w.rows();
        int cols = w.cols();
        double[] rowScale = new double[rows];
        for (int r = 0; r < rows; r++) {
            double m = bias == null ? 0 : Math.abs(bias.get(r));
            for (int c = 0; c < cols; c++) {
                m = Math.max(m, Math.abs(w.get(r * cols + c)));
            }
            rowScale[r] = m;
        }
        double scale = Math.max(maxAbs(w), bias == null ? 0 : maxAbs(bias));
        double tol = tolerance * Math.max(scale, Double.MIN_NORMAL);
        double[] projection = new double[rows];
        java.util.SplittableRandom random = new java.util.SplittableRandom(12345);
        double[] direction = new double[cols + 1];
        for (int c = 0; c <= cols; c++) {
            direction[c] = random.nextDouble() - 0.5;
        }
        for (int r = 0; r < rows; r++) {
            double p = bias == null ? 0 : bias.get(r) * direction[cols];
            for (int c = 0; c < cols; c++) {
                p += w.get(r * cols + c) * direction[c];
            }
            projection[r] = p;
        }
        Integer[] order = new Integer[rows];
        for (int r = 0; r < rows; r++) {
            order[r] = r;
        }
        Arrays.sort(order, Comparator.comparingDouble(r -> projection[r]));
        double projectionTol = tol * (cols + 1);
        int[] group = new int[rows];
        Arrays.fill(group, -1);
        int next = 0;
        List<Integer> representatives = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            int r = order[i];
            if (group[r] >= 0) {
                continue;
            }
            group[r] = next;
            representatives.add(r);
            for (int j = i + 1; j < rows && projection[order[j]] - projection[r] <= projectionTol; j++) {
                int s = order[j];
                double pairTol = tolerance * Math.max(Math.max(rowScale[r], rowScale[s]), Double.MIN_NORMAL);
                if (group[s] < 0 && equalRows(w, bias, r, s, cols, pairTol)) {
                    group[s] = next;
                }
            }
            next++;
        }
        return group;
    }

    private static boolean equalRows(Tensor w, Tensor bias, int a, int b, int cols, double tol) {
        if (bias != null && Math.abs(bias.get(a) - bias.get(b)) > tol) {
            return false;
        }
        int ba = a * cols;
        int bb = b * cols;
        for (int c = 0; c < cols; c++) {
            if (Math.abs(w.get(ba + c) - w.get(bb + c)) > tol) {
                return false;
            }
        }
        return true;
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (int i = 0; i < t.size(); i++) {
            m = Math.max(m, Math.abs(t.get(i)));
        }
        return m;
    }
}
