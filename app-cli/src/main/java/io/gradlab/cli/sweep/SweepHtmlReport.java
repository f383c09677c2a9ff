package io.gradlab.cli.sweep;

import static java.util.Objects.requireNonNull;

import io.gradlab.engine.sweep.ResultTable;
import io.gradlab.engine.sweep.SweepRunner;
import io.gradlab.engine.sweep.TrialResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The HTML page of a sweep ({@code report.html}): plots of the first/last hidden-layer gradient ratio,
 * the first layer's gradient norm and the final test accuracy against the sweep's depth axis (or its
 * first numeric axis), one line per combination of the other non-seed axes, averaged over seeds;
 * then the grouped and the per-trial tables. One self-contained file (the plots are embedded PNGs).
 */
public final class SweepHtmlReport {
    public static final String FILE = "report.html";

    /** A plotted figure: its key in the trial figures, its label, and whether its axis is logarithmic. */
    private record Figure(String key, String label, boolean log) {}

    private static final List<Figure> FIGURES = List.of(
            new Figure("grad_ratio_first_last", "gradient norm ratio first / last hidden layer", true),
            new Figure("grad_norm_first", "first hidden layer's gradient norm", true),
            new Figure("final_test_accuracy", "final test accuracy", false));

    private SweepHtmlReport() {}

    /** The page of a sweep's outcome. */
    public static String html(SweepRunner.Outcome outcome) {
        requireNonNull(outcome, "outcome is null");
        ResultTable table = outcome.table();
        String name = outcome.plan().sweep().name();
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sweep ").append(esc(name))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;"
                        + "margin:1em 0;font-size:90%}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
                        + "th{background:#f3f3f3}.bad{color:#a00}img{max-width:100%}</style></head><body>\n");
        sb.append("<h1>Sweep ").append(esc(name)).append("</h1>\n");
        if (!outcome.plan().sweep().description().isBlank()) {
            sb.append("<p>").append(esc(outcome.plan().sweep().description())).append("</p>\n");
        }
        sb.append("<p>").append(outcome.results().size()).append(" trial(s), ").append(outcome.completed()).append(" completed");
        if (outcome.reused() > 0) {
            sb.append(" (").append(outcome.reused()).append(" kept from an earlier run)");
        }
        sb.append(". Sweep file <code>").append(esc(outcome.plan().sweep().file().toString())).append("</code>.</p>\n");
        Optional<String> x = xAxis(table);
        if (x.isPresent()) {
            for (Figure f : FIGURES) {
                Optional<byte[]> png = plot(table, x.get(), f);
                if (png.isPresent()) {
                    sb.append("<h2>").append(esc(capital(f.label()))).append(" against ").append(esc(x.get())).append("</h2>\n")
                            .append("<img alt=\"").append(esc(f.label())).append("\" src=\"data:image/png;base64,")
                            .append(Base64.getEncoder().encodeToString(png.get())).append("\">\n");
                }
            }
        } else {
            sb.append("<p>No plot: the sweep has no numeric axis to put on the x axis.</p>\n");
        }
        sb.append("<h2>Mean over seeds</h2>\n");
        groupedTable(sb, table);
        sb.append("<h2>Trials</h2>\n");
        trialTable(sb, table);
        sb.append("</body></html>\n");
        return sb.toString();
    }

    /** The axis on the plots' x axis: one whose key ends in {@code depth}, else the first whose values are all numbers. */
    static Optional<String> xAxis(ResultTable table) {
        List<String> numeric = table.groupAxes().stream().filter(a -> table.rows().stream()
                .allMatch(r -> isNumber(r.trial().axisValues().get(a)))).toList();
        return numeric.stream().filter(a -> a.equals("depth") || a.endsWith(".depth")).findFirst()
                .or(() -> numeric.stream().findFirst());
    }

    /** One line per combination of the other non-seed axes: x against the geometric (log plots) or plain mean over seeds. */
    static Optional<byte[]> plot(ResultTable table, String x, Figure figure) {
        Map<String, TreeMap<Double, List<Double>>> series = new LinkedHashMap<>();
        for (ResultTable.Row row : table.rows()) {
            TrialResult r = row.result();
            double y = r.number(figure.key());
            if (!r.completed() || Double.isNaN(y) || (figure.log() && y <= 0)) {
                continue;
            }
            List<String> label = new ArrayList<>();
            for (String a : table.groupAxes()) {
                if (!a.equals(x)) {
                    label.add(shortKey(a) + "=" + row.trial().axisValues().get(a));
                }
            }
            String name = label.isEmpty() ? figure.key() : String.join(", ", label);
            series.computeIfAbsent(name, k -> new TreeMap<>()).computeIfAbsent(Double.parseDouble(row.trial().axisValues().get(x)),
                    k -> new ArrayList<>()).add(y);
        }
        if (series.isEmpty()) {
            return Optional.empty();
        }
        XYChart chart = new XYChartBuilder().width(760).height(420).title(capital(figure.label()) + " against " + shortKey(x))
                .xAxisTitle(x).yAxisTitle(figure.label() + (figure.log() ? " (log)" : "")).build();
        chart.getStyler().setYAxisLogarithmic(figure.log());
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.getStyler().setDecimalPattern("#.###");
        if (figure.log()) {
            chart.getStyler().setYAxisDecimalPattern("0.0E0");
        }
        series.forEach((name, points) -> {
            double[] xs = points.keySet().stream().mapToDouble(Double::doubleValue).toArray();
            double[] ys = points.values().stream().mapToDouble(v -> figure.log() ? geomean(v) : mean(v)).toArray();
            chart.addSeries(name, xs, ys).setMarker(SeriesMarkers.CIRCLE);
        });
        try {
            return Optional.of(BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void groupedTable(StringBuilder sb, ResultTable table) {
        sb.append("<table><tr>");
        table.groupAxes().forEach(a -> sb.append("<th>").append(esc(a)).append("</th>"));
        sb.append("<th>completed</th><th>test accuracy mean ± sd</th><th>grad ratio geomean [min, max]</th>"
                + "<th>epochs to 50 % (mean, reached/completed)</th></tr>\n");
        for (ResultTable.Group g : table.groups()) {
            sb.append("<tr>");
            g.axisValues().values().forEach(v -> sb.append("<td>").append(esc(v)).append("</td>"));
            ResultTable.Stats acc = ResultTable.Stats.of(g.values("final_test_accuracy"));
            ResultTable.Stats ratio = ResultTable.Stats.of(g.values("grad_ratio_first_last"));
            ResultTable.Stats to50 = ResultTable.Stats.of(g.values("epochs_to_50_percent"));
            sb.append("<td>").append(g.completed()).append("/").append(g.rows().size()).append("</td><td>")
                    .append(acc.n() == 0 ? "" : fixed(acc.mean()) + " ± " + fixed(acc.sd())).append("</td><td>")
                    .append(ratio.n() == 0 ? "" : sci(ratio.geomean()) + " [" + sci(ratio.min()) + ", " + sci(ratio.max()) + "]")
                    .append("</td><td>").append(to50.n() == 0 ? "not reached"
                            : String.format(Locale.ROOT, "%.1f", to50.mean()) + " (" + to50.n() + "/" + g.completed() + ")")
                    .append("</td></tr>\n");
        }
        sb.append("</table>\n");
    }

    private static void trialTable(StringBuilder sb, ResultTable table) {
        sb.append("<table><tr><th>trial</th>");
        table.axes().forEach(a -> sb.append("<th>").append(esc(a)).append("</th>"));
        sb.append("<th>status</th><th>test accuracy</th><th>grad ratio first/last</th><th>grad norm first</th>"
                + "<th>epochs to 50 %</th><th>run folder</th></tr>\n");
        for (ResultTable.Row row : table.rows()) {
            TrialResult r = row.result();
            sb.append("<tr><td>").append(esc(row.trial().id())).append("</td>");
            table.axes().forEach(a -> sb.append("<td>").append(esc(row.trial().axisValues().getOrDefault(a, ""))).append("</td>"));
            sb.append(r.completed() ? "<td>" : "<td class=\"bad\">").append(esc(r.status()))
                    .append(r.error() == null ? "" : ": " + esc(r.error())).append("</td>")
                    .append("<td>").append(fixed(r.number("final_test_accuracy"))).append("</td>")
                    .append("<td>").append(sci(r.number("grad_ratio_first_last"))).append("</td>")
                    .append("<td>").append(sci(r.number("grad_norm_first"))).append("</td>")
                    .append("<td>").append(Double.isNaN(r.number("epochs_to_50_percent")) ? "" : (long) r.number("epochs_to_50_percent"))
                    .append("</td><td><code>").append(esc(r.runDir() == null ? "" : r.runDir())).append("</code></td></tr>\n");
        }
        sb.append("</table>\n");
    }

    private static boolean isNumber(String s) {
        if (s == null) {
            return false;
        }
        try {
            return Double.isFinite(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String shortKey(String key) {
        int dot = key.lastIndexOf('.');
        return dot < 0 ? key : key.substring(dot + 1);
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double geomean(List<Double> v) {
        return Math.exp(v.stream().mapToDouble(Math::log).average().orElse(Double.NaN));
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String fixed(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String sci(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2e", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
