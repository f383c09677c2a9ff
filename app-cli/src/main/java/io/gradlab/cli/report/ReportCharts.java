package io.gradlab.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Builds the XChart charts of a report from run data. Non-finite points are left out of every chart. */
final class ReportCharts {
    static final int WIDE = 600;
    static final int NARROW = 600;
    static final int HEIGHT = 380;
    static final int SWEEP_WIDTH = 760;
    static final int SWEEP_HEIGHT = 440;

    /** Tableau 10: distinguishable, and readable in print. */
    private static final Color[] PALETTE = {
        new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
        new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC)};
    /** Viridis, low to high. */
    private static final Color[] VIRIDIS = {
        new Color(0x440154), new Color(0x3B528B), new Color(0x21908C), new Color(0x5DC963), new Color(0xFDE725)};
    private static final BasicStroke DASHED = new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f);
    private static final BasicStroke SOLID = new BasicStroke(2f);

    private ReportCharts() {}

    static Color color(int i) {
        return PALETTE[Math.floorMod(i, PALETTE.length)];
    }

    /** All the charts of a report: the comparisons first, then each run's own. */
    static List<ReportChart> all(List<RunData> runs) {
        ColourRange gradients = ColourRange.of(gradientNormLogs(runs));
        ColourRange shares = ColourRange.of(histogramShareLogs(runs));
        List<ReportChart> charts = new ArrayList<>();
        charts.add(new ReportChart("loss", null, "Training loss (dashed) and test loss (solid) per epoch.", loss(runs)));
        charts.add(new ReportChart("accuracy", null, "Training accuracy (dashed) and test accuracy (solid) per epoch.", accuracy(runs)));
        for (RunData run : runs) {
            String slug = slug(run.label());
            charts.add(new ReportChart("gradnorm-" + slug, run.label(),
                    "Mean weight-gradient norm per layer and epoch (log scale); curves far apart mean a vanishing or exploding gradient.",
                    gradientNorms(run)));
            charts.add(new ReportChart("heatmap-" + slug, run.label(),
                    "Weight-gradient norm by layer and epoch on a log colour scale (input layer at the bottom); every run's"
                            + " heatmap has the same colour range, " + gradients.text() + ".", heatmap(run, gradients)));
            charts.add(new ReportChart("updates-" + slug, run.label(),
                    "||delta W|| / ||W|| of one optimizer step per layer (log scale); about 1e-3 is healthy.", updateRatios(run)));
            XYChart health = unitHealth(run);
            if (health != null) {
                charts.add(new ReportChart("units-" + slug, run.label(),
                        "Dead (ReLU family, solid) and saturated (sigmoid/tanh, dashed) fraction of units per layer.", health));
            }
            for (int i : histogramEpochs(run)) {
                for (String kind : List.of("weight", "grad")) {
                    HeatMapChart h = histogram(run, i, kind, shares);
                    if (h != null) {
                        charts.add(new ReportChart("hist-" + kind + "-e" + run.epochNumber(i) + "-" + slug, run.label(),
                                (kind.equals("weight") ? "Weights" : "Weight gradients of the epoch's last step")
                                        + " per layer at epoch " + run.epochNumber(i) + ": the share of the layer's values in each bin of"
                                        + " its own range (the row label gives the range), on a log colour scale that all runs' histograms"
                                        + " share, " + shares.text() + ".", h));
                    }
                }
            }
        }
        return charts;
    }

    static String slug(String label) {
        String s = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[^a-z0-9]+", "").replaceAll("[^a-z0-9]+$", "");
        return s.isEmpty() ? "run" : s;
    }

    private static XYChart xy(int width, String title, String xTitle, String yTitle) {
        return xy(width, HEIGHT, title, xTitle, yTitle);
    }

    private static XYChart xy(int width, int height, String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        AxesChartStyler s = c.getStyler();
        style(s);
        c.getStyler().setMarkerSize(4);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        return c;
    }

    private static void style(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(new Color(0xCCCCCC));
        s.setPlotGridLinesColor(new Color(0xE6E6E6));
        s.setLegendBorderColor(new Color(0xDDDDDD));
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setChartTitleBoxVisible(false);
        // not pure black: VectorGraphics2D skips a setColor() to the colour it believes is current, so the
        // heatmap legend's labels took the gradient's last colour in SVG
        s.setChartFontColor(new Color(0x202020));
        s.setAxisTickLabelsColor(new Color(0x202020));
        s.setAntiAlias(true);
        s.setLocale(Locale.ROOT);
    }

    /** Adds a series of the finite (and, for log axes, positive) points; returns null when none is left. */
    private static XYSeries series(XYChart chart, String name, List<Double> xs, List<Double> ys, boolean positiveOnly) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) {
            double v = ys.get(i);
            if (Double.isFinite(v) && (!positiveOnly || v > 0)) {
                x.add(xs.get(i));
                y.add(v);
            }
        }
        if (x.isEmpty()) {
            return null;
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(x.size() <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        return s;
    }

    private static List<Double> epochs(RunData run) {
        List<Double> xs = new ArrayList<>();
        for (int i = 0; i < run.epochs().size(); i++) {
            xs.add((double) run.epochNumber(i));
        }
        return xs;
    }

    private static List<Double> values(RunData run, String key) {
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < run.epochs().size(); i++) {
            ys.add(run.value(i, key));
        }
        return ys;
    }

    private static void emptyNote(XYChart chart) {
        if (chart.getSeriesCollection().isEmpty()) {
            XYSeries s = chart.addSeries("no epochs recorded", new double[] {0}, new double[] {0});
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(Color.LIGHT_GRAY);
        }
    }

    static XYChart loss(List<RunData> runs) {
        XYChart c = xy(WIDE, "Loss", "epoch", "loss");
        c.getStyler().setXAxisDecimalPattern("#");
        for (int r = 0; r < runs.size(); r++) {
            RunData run = runs.get(r);
            line(series(c, run.label() + " train", epochs(run), values(run, "train_loss"), false), color(r), DASHED);
            line(series(c, run.label() + " test", epochs(run), values(run, "test_loss"), false), color(r), SOLID);
        }
        emptyNote(c);
        return c;
    }

    static XYChart accuracy(List<RunData> runs) {
        XYChart c = xy(WIDE, "Accuracy", "epoch", "accuracy");
        c.getStyler().setXAxisDecimalPattern("#");
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        for (int r = 0; r < runs.size(); r++) {
            RunData run = runs.get(r);
            line(series(c, run.label() + " train", epochs(run), values(run, "train_accuracy"), false), color(r), DASHED);
            line(series(c, run.label() + " test", epochs(run), values(run, "test_accuracy"), false), color(r), SOLID);
        }
        emptyNote(c);
        return c;
    }

    private static void line(XYSeries s, Color color, BasicStroke stroke) {
        if (s != null) {
            s.setLineColor(color);
            s.setMarkerColor(color);
            s.setLineStyle(stroke);
        }
    }

    static XYChart gradientNorms(RunData run) {
        return perLayerLog(run, run.label() + ": gradient norm per layer", "||dL/dW|| (log)", "grad_norm");
    }

    static XYChart updateRatios(RunData run) {
        return perLayerLog(run, run.label() + ": update / weight ratio per layer", "||dW|| / ||W|| (log)", "update_ratio");
    }

    private static XYChart perLayerLog(RunData run, String title, String yTitle, String key) {
        XYChart c = xy(NARROW, title, "epoch", yTitle);
        c.getStyler().setXAxisDecimalPattern("#");
        List<String> layers = run.layerNames();
        boolean any = false;
        for (int l = 0; l < layers.size(); l++) {
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < run.epochs().size(); i++) {
                ys.add(run.layerValue(i, layers.get(l), key));
            }
            XYSeries s = series(c, layers.get(l), epochs(run), ys, true);
            if (s != null) {
                line(s, color(l), SOLID);
                any = true;
            }
        }
        if (any) {
            logarithmicY(c);
        }
        emptyNote(c);
        return c;
    }

    /** A log y axis (every series positive); within two decades it labels more than the powers of ten. */
    private static void logarithmicY(XYChart c) {
        c.getStyler().setYAxisLogarithmic(true);
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (var series : c.getSeriesCollection()) {
            for (double y : series.getYData()) {
                lo = Math.min(lo, y);
                hi = Math.max(hi, y);
            }
        }
        c.getStyler().setYAxisLogarithmicDecadeOnly(hi / lo > 100);
    }

    /**
     * One line per named series of points (x to y, x ascending), for plots against a swept value; with
     * {@code logY} the y axis is logarithmic and non-positive points are left out. The legend sits under
     * the plot: series names are long ({@code activation=relu, init=he-normal}).
     */
    static XYChart lines(String title, String xTitle, String yTitle, boolean logY, Map<String, ? extends SortedMap<Double, Double>> lines) {
        XYChart c = xy(SWEEP_WIDTH, SWEEP_HEIGHT, title, xTitle, yTitle);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setXAxisDecimalPattern("#.###");
        boolean any = false;
        int i = 0;
        for (Map.Entry<String, ? extends SortedMap<Double, Double>> e : lines.entrySet()) {
            XYSeries s = series(c, e.getKey(), new ArrayList<>(e.getValue().keySet()), new ArrayList<>(e.getValue().values()), logY);
            line(s, color(i++), SOLID);
            any |= s != null;
        }
        if (any && logY) {
            logarithmicY(c);
        }
        emptyNote(c);
        return c;
    }

    /**
     * One log10 colour range shared by the charts of every run, so the same colour means the same value in each:
     * one colour per decade over a wide range, or 8 colours over a narrow one.
     *
     * @param min    log10 of the low end
     * @param max    log10 of the high end
     * @param splits the number of colours
     */
    record ColourRange(double min, double max, int splits) {
        static ColourRange of(List<Double> logs) {
            double min = logs.stream().mapToDouble(Double::doubleValue).min().orElse(-1);
            double max = logs.stream().mapToDouble(Double::doubleValue).max().orElse(1);
            if (max - min < 1e-9) {
                min -= 0.5;
                max += 0.5;
            }
            if (max - min >= 3) {
                min = Math.floor(min);
                max = Math.ceil(max);
                int decades = (int) (max - min);
                return new ColourRange(min, max, decades >= 5 ? Math.min(decades, 12) : 2 * decades);
            }
            double pad = (max - min) * 0.01 + 1e-9;
            return new ColourRange(min - pad, max + pad, 8);
        }

        /** "from 1.00e-06 to 0.100". */
        String text() {
            return "from " + value(min) + " to " + value(max);
        }

        static String value(double log10) {
            return String.format(Locale.ROOT, "%.3g", Math.pow(10, log10));
        }

        void apply(HeatMapChart c) {
            c.getStyler().setMin(min);
            c.getStyler().setMax(max);
            c.getStyler().setSplitNumber(splits);
        }
    }

    /** log10 of every positive, finite layer gradient norm of every run. */
    static List<Double> gradientNormLogs(List<RunData> runs) {
        List<Double> out = new ArrayList<>();
        for (RunData run : runs) {
            for (JsonNode e : run.epochs()) {
                for (JsonNode l : e.path("layers")) {
                    double v = RunData.number(l.get("grad_norm"));
                    if (Double.isFinite(v) && v > 0) {
                        out.add(Math.log10(v));
                    }
                }
            }
        }
        return out;
    }

    /** log10 of every non-empty histogram bin's share of its layer's values, weights and gradients, of every run. */
    static List<Double> histogramShareLogs(List<RunData> runs) {
        List<Double> out = new ArrayList<>();
        for (RunData run : runs) {
            for (JsonNode e : run.epochs()) {
                for (JsonNode l : e.path("layers")) {
                    for (String key : List.of("weight_hist", "grad_hist")) {
                        double[] shares = shares(l.path(key).path("counts"));
                        for (double share : shares) {
                            if (share > 0) {
                                out.add(Math.log10(share));
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Each bin's share of the counts (all 0 when the counts are). */
    private static double[] shares(JsonNode counts) {
        double total = 0;
        for (JsonNode n : counts) {
            total += n.asDouble();
        }
        double[] out = new double[counts.size()];
        for (int b = 0; b < out.length && total > 0; b++) {
            out[b] = counts.get(b).asDouble() / total;
        }
        return out;
    }

    private static HeatMapChart heatmapChart(String title, String xTitle, String yTitle, ColourRange range) {
        HeatMapChart c = new HeatMapChartBuilder().width(NARROW).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(c.getStyler());
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setRangeColors(VIRIDIS);
        // a piecewise legend: VectorGraphics2D keeps the fill of a gradient legend for its labels (yellow text in SVG)
        c.getStyler().setPiecewise(true);
        c.getStyler().setPiecewiseRanged(true);
        c.getStyler().setShowValue(false);
        c.getStyler().setDrawBorder(false);
        c.getStyler().setHeatMapDecimalValueFormatter(ColourRange::value);
        range.apply(c);
        return c;
    }

    /** Gradient norms by layer and epoch, coloured on {@code range} (log10), the range every run's heatmap shares. */
    static HeatMapChart heatmap(RunData run, ColourRange range) {
        HeatMapChart c = heatmapChart(run.label() + ": gradient norm, layer x epoch", "epoch", "layer", range);
        List<String> layers = run.layerNames();
        int n = run.epochs().size();
        List<Integer> xs = new ArrayList<>();
        // with many epochs show at most ~40 columns: every k-th epoch
        int stride = Math.max(1, (n + 39) / 40);
        List<Integer> picked = new ArrayList<>();
        for (int i = 0; i < n; i += stride) {
            picked.add(i);
        }
        if (n > 0 && picked.get(picked.size() - 1) != n - 1) {
            picked.add(n - 1);
        }
        for (int i : picked) {
            xs.add(run.epochNumber(i));
        }
        List<Number[]> cells = new ArrayList<>();
        for (int x = 0; x < picked.size(); x++) {
            for (int l = 0; l < layers.size(); l++) {
                double v = run.layerValue(picked.get(x), layers.get(l), "grad_norm");
                if (Double.isFinite(v) && v > 0) {
                    cells.add(new Number[] {x, l, Math.log10(v)});
                }
            }
        }
        if (cells.isEmpty()) {
            xs = List.of(0);
            layers = List.of("no data");
            cells.add(new Number[] {0, 0, range.min()});
        }
        c.addSeries("log10 ||dL/dW||", xs, layers, cells);
        return c;
    }

    static XYChart unitHealth(RunData run) {
        XYChart c = xy(NARROW, run.label() + ": dead and saturated units", "epoch", "fraction of units");
        c.getStyler().setXAxisDecimalPattern("#");
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(1.0);
        List<String> layers = run.layerNames();
        for (int l = 0; l < layers.size(); l++) {
            for (String key : List.of("dead_fraction", "saturated_fraction")) {
                List<Double> ys = new ArrayList<>();
                for (int i = 0; i < run.epochs().size(); i++) {
                    ys.add(run.layerValue(i, layers.get(l), key));
                }
                line(series(c, layers.get(l) + (key.startsWith("dead") ? " dead" : " saturated"), epochs(run), ys, false), color(l),
                        key.startsWith("dead") ? SOLID : DASHED);
            }
        }
        return c.getSeriesCollection().isEmpty() ? null : c;
    }

    /** The epoch indexes that carry histograms. */
    static List<Integer> histogramEpochs(RunData run) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < run.epochs().size(); i++) {
            for (JsonNode l : run.epochs().get(i).path("layers")) {
                if (l.has("weight_hist") || l.has("grad_hist")) {
                    out.add(i);
                    break;
                }
            }
        }
        return out;
    }

    /**
     * The histograms of one epoch as a heatmap, a row per layer and a column per bin of the layer's own range
     * (-range .. +range, the range in the row label): each cell is the bin's share of the layer's values on
     * {@code range} (log10), the range all runs' histograms share; empty bins stay blank. Null without histograms.
     */
    static HeatMapChart histogram(RunData run, int epochIndex, String kind, ColourRange range) {
        String key = kind + "_hist";
        List<String> rows = new ArrayList<>();
        List<Number[]> cells = new ArrayList<>();
        int bins = 0;
        for (String layer : run.layerNames()) {
            JsonNode h = run.layerEntry(epochIndex, layer).get(key);
            if (h == null || !h.path("counts").isArray() || h.path("counts").isEmpty()) {
                continue;
            }
            double[] shares = shares(h.get("counts"));
            bins = Math.max(bins, shares.length);
            for (int b = 0; b < shares.length; b++) {
                if (shares[b] > 0) {
                    cells.add(new Number[] {b, rows.size(), Math.log10(shares[b])});
                }
            }
            rows.add(layer + String.format(Locale.ROOT, " (\u00b1%.2g)", RunData.number(h.get("hi"))));
        }
        if (rows.isEmpty()) {
            return null;
        }
        List<String> xs = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            xs.add(String.format(Locale.ROOT, "%.2f", -1 + (2.0 * b + 1) / bins));
        }
        HeatMapChart c = heatmapChart(run.label() + ": " + (kind.equals("weight") ? "weights" : "gradients") + ", epoch "
                + run.epochNumber(epochIndex), "value / layer range", "layer", range);
        c.addSeries("share of values", xs, rows, cells);
        return c;
    }
}
