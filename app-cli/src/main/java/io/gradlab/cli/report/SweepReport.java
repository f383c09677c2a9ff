package io.gradlab.cli.report;

import static java.util.Objects.requireNonNull;

import io.gradlab.cli.report.ReportPage.Cell;
import io.gradlab.engine.sweep.ResultTable;
import io.gradlab.engine.sweep.SweepRunner;
import io.gradlab.engine.sweep.SweepSpec;
import io.gradlab.engine.sweep.TrialResult;
import io.gradlab.engine.run.RunFolder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The HTML page of a sweep ({@code report.html} in the sweep folder), on the same page as the run
 * report ({@link ReportPage}): plots of the first/last hidden-layer gradient ratio, the first layer's
 * gradient norm and the final test accuracy against the sweep's depth axis (or its first numeric
 * axis), one line per combination of the other non-seed axes, averaged over seeds; then the table of
 * means over seeds and the table of trials. One self-contained file (the charts are inline SVG).
 */
public final class SweepReport {
    public static final String FILE = "report.html";

    /** A plotted figure: its key in the trial figures, its label, and whether its axis is logarithmic (geometric mean over seeds). */
    record Figure(String key, String label, boolean log) {}

    static final List<Figure> FIGURES = List.of(
            new Figure("grad_ratio_first_last", "gradient norm ratio first / last hidden layer", true),
            new Figure("grad_norm_first", "first hidden layer's gradient norm", true),
            new Figure("final_test_accuracy", "final test accuracy", false));

    private SweepReport() {}

    /** Writes the page of a sweep's outcome to {@code file} (atomically) and returns the file. */
    public static Path write(SweepRunner.Outcome outcome, Path file) {
        requireNonNull(file, "file is null");
        RunFolder.writeAtomically(file, html(outcome).getBytes(StandardCharsets.UTF_8));
        return file;
    }

    /** The page of a sweep's outcome. */
    static String html(SweepRunner.Outcome outcome) {
        requireNonNull(outcome, "outcome is null");
        ResultTable table = outcome.table();
        SweepSpec sweep = outcome.plan().sweep();
        ReportPage page = new ReportPage("Sweep " + sweep.name());
        if (!sweep.description().isBlank()) {
            page.paragraph(sweep.description());
        }
        page.raw("<p class=\"meta\">" + outcome.results().size() + " trial(s), " + outcome.completed() + " completed"
                + (outcome.reused() > 0 ? " (" + outcome.reused() + " kept from an earlier run)" : "")
                + ". Sweep file <code>" + Html.esc(sweep.file().toString()) + "</code>.</p>\n");
        Optional<String> x = xAxis(table);
        if (x.isPresent()) {
            List<ReportChart> charts = charts(table, x.get());
            Map<ReportChart, String> svgs = new LinkedHashMap<>();
            charts.forEach(c -> svgs.put(c, ReportPage.svg(c)));
            page.heading(2, "Against " + x.get());
            if (charts.isEmpty()) {
                page.paragraph("No plot: no trial completed with these figures.");
            } else {
                page.figures(charts, svgs, true);
            }
        } else {
            page.paragraph("No plot: the sweep has no numeric axis to put on the x axis.");
        }
        page.heading(2, "Mean over seeds");
        groupedTable(page, table);
        page.heading(2, "Trials");
        trialTable(page, table, outcome.sweepDir());
        return page.html("Written by gradlab sweep. Charts: XChart; the tables are also results.md and results.csv in the sweep folder.");
    }

    /** The axis on the plots' x axis: one whose key ends in {@code depth}, else the first whose values are all numbers. */
    static Optional<String> xAxis(ResultTable table) {
        List<String> numeric = table.groupAxes().stream().filter(a -> table.rows().stream()
                .allMatch(r -> isNumber(r.trial().axisValues().get(a)))).toList();
        return numeric.stream().filter(a -> a.equals("depth") || a.endsWith(".depth")).findFirst()
                .or(() -> numeric.stream().findFirst());
    }

    /** One chart per figure that some completed trial has. */
    static List<ReportChart> charts(ResultTable table, String x) {
        List<ReportChart> charts = new ArrayList<>();
        for (Figure f : FIGURES) {
            Map<String, TreeMap<Double, Double>> lines = lines(table, x, f);
            if (!lines.isEmpty()) {
                String title = capital(f.label()) + " against " + shortKey(x);
                charts.add(new ReportChart(f.key(), null, capital(f.label()) + " against " + x + ": one line per "
                        + (table.groupAxes().size() > 1 ? "combination of the other axes" : "sweep") + ", "
                        + (f.log() ? "geometric mean over seeds (log scale)." : "mean over seeds."),
                        ReportCharts.lines(title, x, f.label() + (f.log() ? " (log)" : ""), f.log(), lines)));
            }
        }
        return charts;
    }

    /**
     * The points of a figure: one line per combination of the other non-seed axes, x to the mean over
     * seeds of the completed trials (the geometric mean, of the positive values, for a log figure).
     */
    static Map<String, TreeMap<Double, Double>> lines(ResultTable table, String x, Figure figure) {
        Map<String, TreeMap<Double, List<Double>>> values = new LinkedHashMap<>();
        for (ResultTable.Row row : table.rows()) {
            TrialResult r = row.result();
            double y = r.number(figure.key());
            if (!r.completed() || !Double.isFinite(y) || (figure.log() && y <= 0)) {
                continue;
            }
            List<String> label = new ArrayList<>();
            for (String a : table.groupAxes()) {
                if (!a.equals(x)) {
                    label.add(shortKey(a) + "=" + row.trial().axisValues().get(a));
                }
            }
            String name = label.isEmpty() ? figure.key() : String.join(", ", label);
            values.computeIfAbsent(name, k -> new TreeMap<>())
                    .computeIfAbsent(Double.parseDouble(row.trial().axisValues().get(x)), k -> new ArrayList<>()).add(y);
        }
        Map<String, TreeMap<Double, Double>> lines = new LinkedHashMap<>();
        values.forEach((name, points) -> {
            TreeMap<Double, Double> means = new TreeMap<>();
            points.forEach((px, ys) -> means.put(px, figure.log() ? geomean(ys) : mean(ys)));
            lines.put(name, means);
        });
        return lines;
    }

    private static void groupedTable(ReportPage page, ResultTable table) {
        List<String> header = new ArrayList<>(table.groupAxes());
        header.addAll(List.of("completed", "test accuracy mean ± sd", "grad ratio geomean [min, max]",
                "epochs to 50 % (mean, reached/completed)"));
        List<List<Cell>> rows = new ArrayList<>();
        for (ResultTable.Group g : table.groups()) {
            List<Cell> cells = new ArrayList<>();
            g.axisValues().values().forEach(v -> cells.add(Cell.text(v)));
            ResultTable.Stats acc = ResultTable.Stats.of(g.values("final_test_accuracy"));
            ResultTable.Stats ratio = ResultTable.Stats.of(g.values("grad_ratio_first_last"));
            ResultTable.Stats to50 = ResultTable.Stats.of(g.values("epochs_to_50_percent"));
            cells.add(Cell.status(g.completed() == g.rows().size() ? "completed" : "failed", g.completed() + "/" + g.rows().size()));
            cells.add(acc.n() == 0 ? Cell.num(Double.NaN) : new Cell(Html.pct(acc.mean()) + " ± " + Html.pct(acc.sd()), ""));
            cells.add(ratio.n() == 0 ? Cell.num(Double.NaN)
                    : new Cell(Html.num(ratio.geomean()) + " [" + Html.num(ratio.min()) + ", " + Html.num(ratio.max()) + "]", ""));
            cells.add(Cell.text(to50.n() == 0 ? "not reached"
                    : String.format(Locale.ROOT, "%.1f (%d/%d)", to50.mean(), to50.n(), g.completed())));
            rows.add(cells);
        }
        page.table(header, rows);
    }

    private static void trialTable(ReportPage page, ResultTable table, Path sweepDir) {
        List<String> header = new ArrayList<>(List.of("trial"));
        header.addAll(table.axes());
        header.addAll(List.of("status", "test accuracy", "grad ratio first/last", "grad norm first", "epochs to 50 %", "run folder"));
        List<List<Cell>> rows = new ArrayList<>();
        for (ResultTable.Row row : table.rows()) {
            TrialResult r = row.result();
            List<Cell> cells = new ArrayList<>(List.of(Cell.text(row.trial().id())));
            table.axes().forEach(a -> cells.add(Cell.text(row.trial().axisValues().getOrDefault(a, ""))));
            cells.add(Cell.status(r.status(), r.status() + (r.reused() ? " (earlier run)" : "") + (r.error() == null ? "" : ": " + r.error())));
            cells.add(Cell.pct(r.number("final_test_accuracy")));
            cells.add(Cell.num(r.number("grad_ratio_first_last")));
            cells.add(Cell.num(r.number("grad_norm_first")));
            double to50 = r.number("epochs_to_50_percent");
            cells.add(Double.isNaN(to50) ? Cell.num(to50) : Cell.text(String.valueOf((long) to50)));
            cells.add(Cell.code(relative(r.runDir(), sweepDir)));
            rows.add(cells);
        }
        page.table(header, rows);
    }

    /** A run folder under the sweep folder relative to it (where the page is), any other one (a URI, elsewhere) as it is. */
    static String relative(String runDir, Path sweepDir) {
        if (runDir == null || runDir.contains("://")) {
            return runDir;
        }
        try {
            Path run = Path.of(runDir).toAbsolutePath().normalize();
            Path sweep = sweepDir.toAbsolutePath().normalize();
            return run.startsWith(sweep) && !run.equals(sweep) ? sweep.relativize(run).toString().replace('\\', '/') : runDir;
        } catch (java.nio.file.InvalidPathException e) {
            return runDir;
        }
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
}
