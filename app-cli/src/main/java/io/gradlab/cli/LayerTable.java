package io.gradlab.cli;

import io.gradlab.engine.train.LayerMetrics;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The per-layer figures of one epoch: layer, grad_norm, weight_norm, update_ratio (scientific
 * notation), then one column per figure that diagnostics added (dead fraction, saturation, ...).
 */
public final class LayerTable {
    private LayerTable() {}

    public static void print(List<LayerMetrics> layers, PrintStream out, String indent) {
        Set<String> extraKeys = new LinkedHashSet<>();
        for (LayerMetrics layer : layers) {
            for (Map.Entry<String, Object> e : layer.extra().entrySet()) {
                if (e.getValue() instanceof Number) {
                    extraKeys.add(e.getKey());
                }
            }
        }
        List<String> columns = new ArrayList<>(List.of("layer", ">grad_norm", ">weight_norm", ">update_ratio"));
        for (String key : extraKeys) {
            columns.add(">" + key);
        }
        TextTable table = new TextTable(columns.toArray(String[]::new));
        for (LayerMetrics layer : layers) {
            List<String> cells = new ArrayList<>(List.of(layer.name(), Numbers.sci(layer.gradNorm()), Numbers.sci(layer.weightNorm()),
                    Numbers.sci(layer.updateRatio())));
            for (String key : extraKeys) {
                Object value = layer.extra().get(key);
                cells.add(value instanceof Number n ? Numbers.sci(n.doubleValue()) : "-");
            }
            table.row(cells.toArray(String[]::new));
        }
        table.print(out, indent);
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
