package io.gradlab.cli;

import io.gradlab.engine.train.LayerMetrics;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The compact per-layer table of one epoch: layer, grad_norm, weight_norm, update_ratio (scientific
 * notation), then the figures diagnostics added, with short headers for the known ones
 * ({@code dead_fraction} as "dead %", {@code saturated_fraction} as "sat %", {@code act_std},
 * {@code duplicate_fraction} as "twins %" when any unit has a twin) and their own name for any other
 * number; verbose figures ({@code act_mean}, {@code units}, {@code distinct_units}) are left out. The
 * last column draws each layer's gradient norm on a log scale spanning the layers' range, so that a
 * vanishing gradient shows as a staircase.
 */
public final class LayerTable {
    /** Known figures: key, header, and whether to show it as a percentage. */
    private record Known(String key, String header, boolean percent) {}

    private static final List<Known> KNOWN = List.of(
            new Known("dead_fraction", "dead %", true),
            new Known("saturated_fraction", "sat %", true),
            new Known("act_std", "act_std", false),
            new Known("duplicate_fraction", "twins %", true));
    private static final Set<String> HIDDEN = Set.of("act_mean", "units", "distinct_units");
    private static final int BAR = 20;

    private LayerTable() {}

    public static void print(List<LayerMetrics> layers, PrintStream out, String indent) {
        Set<String> present = new LinkedHashSet<>();
        for (LayerMetrics layer : layers) {
            for (Map.Entry<String, Object> e : layer.extra().entrySet()) {
                if (e.getValue() instanceof Number && !HIDDEN.contains(e.getKey())) {
                    present.add(e.getKey());
                }
            }
        }
        List<String> keys = new ArrayList<>();
        List<String> columns = new ArrayList<>(List.of("layer", ">grad_norm", ">weight_norm", ">update_ratio"));
        for (Known k : KNOWN) {
            if (present.remove(k.key()) && (!k.key().equals("duplicate_fraction") || anyPositive(layers, k.key()))) {
                keys.add(k.key());
                columns.add(">" + k.header());
            }
        }
        for (String key : present) {
            keys.add(key);
            columns.add(">" + key);
        }
        double[] range = logRange(layers);
        if (range != null) {
            columns.add(String.format(Locale.ROOT, "grad_norm 1e%d..1e%d (log)", (int) range[0], (int) range[1]));
        }
        TextTable table = new TextTable(columns.toArray(String[]::new));
        for (LayerMetrics layer : layers) {
            List<String> cells = new ArrayList<>(List.of(layer.name(), Numbers.sci(layer.gradNorm()), Numbers.sci(layer.weightNorm()),
                    Numbers.sci(layer.updateRatio())));
            for (String key : keys) {
                Object value = layer.extra().get(key);
                boolean percent = KNOWN.stream().anyMatch(k -> k.key().equals(key) && k.percent());
                cells.add(value instanceof Number n ? (percent ? percent(n.doubleValue()) : Numbers.sci(n.doubleValue())) : "-");
            }
            if (range != null) {
                cells.add(bar(layer.gradNorm(), range));
            }
            table.row(cells.toArray(String[]::new));
        }
        table.print(out, indent);
    }

    private static boolean anyPositive(List<LayerMetrics> layers, String key) {
        return layers.stream().anyMatch(l -> l.extra().get(key) instanceof Number n && n.doubleValue() > 0);
    }

    private static String percent(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.0f", fraction * 100) : Numbers.sci(fraction);
    }

    /** log10 of the smallest and largest positive gradient norm, or null with fewer than two. */
    private static double[] logRange(List<LayerMetrics> layers) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int n = 0;
        for (LayerMetrics l : layers) {
            if (l.gradNorm() > 0 && Double.isFinite(l.gradNorm())) {
                double v = Math.log10(l.gradNorm());
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
                n++;
            }
        }
        return n < 2 ? null : new double[] {Math.floor(lo), Math.max(Math.ceil(hi), Math.floor(lo) + 1)};
    }

    private static String bar(double gradNorm, double[] range) {
        if (!(gradNorm > 0) || !Double.isFinite(gradNorm)) {
            return "";
        }
        double t = (Math.log10(gradNorm) - range[0]) / (range[1] - range[0]);
        int n = Math.max(1, (int) Math.round(t * BAR));
        return "#".repeat(n);
    }

    /**
     * The first hidden layer's gradient norm divided by the last hidden layer's (the last weighted
     * layer is the output layer), or NaN with fewer than two hidden layers or a zero denominator.
     */
    public static double firstLastRatio(List<LayerMetrics> layers) {
        if (layers.size() < 3) {
            return Double.NaN;
        }
        double last = layers.get(layers.size() - 2).gradNorm();
        return last == 0 ? Double.NaN : layers.get(0).gradNorm() / last;
    }
}
