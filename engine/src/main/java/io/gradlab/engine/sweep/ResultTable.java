package io.gradlab.engine.sweep;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gathered results of a sweep: one row per trial (its axis values, status and figures) and a
 * grouped table that pools the trials differing only in their seed (mean and spread over seeds).
 * Rendered as CSV (for tools) and Markdown (for people).
 */
public final class ResultTable {
    /** The per-trial figures of the tables, in column order. */
    public static final List<String> FIGURES = List.of("final_test_accuracy", "grad_ratio_first_last", "grad_norm_first",
            "epochs_to_50_percent", "epochs_completed", "seconds");

    private final List<String> axes;
    private final List<Row> rows;

    /** One trial and its result. */
    public record Row(Trial trial, TrialResult result) {
        public Row {
            requireNonNull(trial, "trial is null");
            requireNonNull(result, "result is null");
        }
    }

    /** One group of trials that differ only in their seed axes. */
    public record Group(Map<String, String> axisValues, List<Row> rows) {
        public int completed() {
            return (int) rows.stream().filter(r -> r.result().completed()).count();
        }

        /** The figure's values over the group's completed trials (NaN ones left out). */
        public double[] values(String figure) {
            return rows.stream().filter(r -> r.result().completed()).mapToDouble(r -> r.result().number(figure))
                    .filter(d -> !Double.isNaN(d)).toArray();
        }
    }

    public ResultTable(List<String> axes, List<Row> rows) {
        this.axes = List.copyOf(axes);
        this.rows = List.copyOf(rows);
    }

    /** The table of a plan's trials and their results (matched by trial id). */
    public static ResultTable of(SweepPlan plan, List<TrialResult> results) {
        Map<String, TrialResult> byId = new LinkedHashMap<>();
        results.forEach(r -> byId.put(r.trialId(), r));
        List<String> axes = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        for (Trial t : plan.trials()) {
            t.axisValues().keySet().stream().filter(k -> !axes.contains(k)).forEach(axes::add);
            rows.add(new Row(t, byId.getOrDefault(t.id(), TrialResult.failed(t.id(), "not run"))));
        }
        return new ResultTable(axes, rows);
    }

    public List<String> axes() {
        return axes;
    }

    public List<Row> rows() {
        return rows;
    }

    /** The axes that are not seeds: what a group is made of. */
    public List<String> groupAxes() {
        return axes.stream().filter(a -> !isSeed(a)).toList();
    }

    /** Whether an axis only changes the random seed ({@code training.seed}, or any key ending in {@code seed}). */
    public static boolean isSeed(String axis) {
        return axis.equals("seed") || axis.endsWith(".seed") || axis.endsWith("-seed");
    }

    /** The rows grouped by their non-seed axis values, in the order groups first appear. */
    public List<Group> groups() {
        List<String> keys = groupAxes();
        Map<Map<String, String>, List<Row>> groups = new LinkedHashMap<>();
        for (Row r : rows) {
            Map<String, String> key = new LinkedHashMap<>();
            keys.forEach(k -> key.put(k, r.trial().axisValues().getOrDefault(k, "")));
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        List<Group> out = new ArrayList<>();
        groups.forEach((k, v) -> out.add(new Group(k, List.copyOf(v))));
        return out;
    }

    /** One line per trial: trial, the axes, status, the figures, reused, run_dir, error. */
    public String csv() {
        StringBuilder sb = new StringBuilder();
        List<String> header = new ArrayList<>(List.of("trial"));
        header.addAll(axes);
        header.add("status");
        header.addAll(FIGURES);
        header.addAll(List.of("reused", "run_dir", "error"));
        sb.append(csvLine(header));
        for (Row r : rows) {
            List<String> cells = new ArrayList<>(List.of(r.trial().id()));
            axes.forEach(a -> cells.add(r.trial().axisValues().getOrDefault(a, "")));
            cells.add(r.result().status());
            FIGURES.forEach(f -> cells.add(raw(r.result().figures().get(f))));
            cells.add(String.valueOf(r.result().reused()));
            cells.add(r.result().runDir() == null ? "" : r.result().runDir());
            cells.add(r.result().error() == null ? "" : r.result().error());
            sb.append(csvLine(cells));
        }
        return sb.toString();
    }

    /** The grouped table as CSV. */
    public String groupedCsv() {
        StringBuilder sb = new StringBuilder();
        List<String> header = new ArrayList<>(groupAxes());
        header.addAll(List.of("trials", "completed", "accuracy_mean", "accuracy_sd", "grad_ratio_geomean", "grad_ratio_min",
                "grad_ratio_max", "epochs_to_50_mean", "epochs_to_50_reached"));
        sb.append(csvLine(header));
        for (Group g : groups()) {
            List<String> cells = new ArrayList<>(g.axisValues().values());
            Stats acc = Stats.of(g.values("final_test_accuracy"));
            Stats ratio = Stats.of(g.values("grad_ratio_first_last"));
            Stats to50 = Stats.of(g.values("epochs_to_50_percent"));
            cells.addAll(List.of(String.valueOf(g.rows().size()), String.valueOf(g.completed()), raw(acc.mean()), raw(acc.sd()),
                    raw(ratio.geomean()), raw(ratio.min()), raw(ratio.max()), raw(to50.mean()), String.valueOf(to50.n())));
            sb.append(csvLine(cells));
        }
        return sb.toString();
    }

    /** Both tables as Markdown, with a title. */
    public String markdown(String title) {
        StringBuilder sb = new StringBuilder("# " + title + "\n\n");
        long completed = rows.stream().filter(r -> r.result().completed()).count();
        sb.append(rows.size()).append(" trial(s), ").append(completed).append(" completed");
        long failed = rows.size() - completed;
        if (failed > 0) {
            sb.append(", ").append(failed).append(" not completed");
        }
        sb.append(".\n\n## Trials\n\n");
        List<String> header = new ArrayList<>(List.of("trial"));
        header.addAll(axes);
        header.addAll(List.of("status", "test acc", "grad ratio first/last", "grad norm first", "epochs to 50 %", "seconds"));
        List<List<String>> lines = new ArrayList<>();
        for (Row r : rows) {
            List<String> cells = new ArrayList<>(List.of(r.trial().id()));
            axes.forEach(a -> cells.add(r.trial().axisValues().getOrDefault(a, "")));
            TrialResult res = r.result();
            cells.add(res.status() + (res.reused() ? " (earlier run)" : "") + (res.error() == null ? "" : ": " + shorten(res.error())));
            cells.add(fixed(res.number("final_test_accuracy")));
            cells.add(sci(res.number("grad_ratio_first_last")));
            cells.add(sci(res.number("grad_norm_first")));
            cells.add(whole(res.number("epochs_to_50_percent")));
            cells.add(Double.isNaN(res.number("seconds")) ? "" : String.format(Locale.ROOT, "%.1f", res.number("seconds")));
            lines.add(cells);
        }
        markdownTable(sb, header, lines);
        sb.append("\n## Mean over seeds\n\n");
        List<String> gHeader = new ArrayList<>(groupAxes());
        gHeader.addAll(List.of("trials", "test acc mean ± sd", "grad ratio geomean [min, max]", "epochs to 50 % (mean, reached/completed)"));
        List<List<String>> gLines = new ArrayList<>();
        for (Group g : groups()) {
            List<String> cells = new ArrayList<>(g.axisValues().values());
            Stats acc = Stats.of(g.values("final_test_accuracy"));
            Stats ratio = Stats.of(g.values("grad_ratio_first_last"));
            Stats to50 = Stats.of(g.values("epochs_to_50_percent"));
            cells.add(g.completed() + "/" + g.rows().size());
            cells.add(acc.n() == 0 ? "" : fixed(acc.mean()) + " ± " + fixed(acc.sd()));
            cells.add(ratio.n() == 0 ? "" : sci(ratio.geomean()) + " [" + sci(ratio.min()) + ", " + sci(ratio.max()) + "]");
            cells.add(to50.n() == 0 ? "not reached" : String.format(Locale.ROOT, "%.1f", to50.mean()) + " (" + to50.n() + "/" + g.completed() + ")");
            gLines.add(cells);
        }
        markdownTable(sb, gHeader, gLines);
        return sb.toString();
    }

    /** Count, mean, sample standard deviation, geometric mean, min and max of some values (NaN when undefined). */
    public record Stats(int n, double mean, double sd, double geomean, double min, double max) {
        public static Stats of(double[] values) {
            int n = values.length;
            if (n == 0) {
                return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            double sum = 0;
            double logSum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            boolean positive = true;
            for (double v : values) {
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
                positive &= v > 0;
                logSum += v > 0 ? Math.log(v) : 0;
            }
            double mean = sum / n;
            double ss = 0;
            for (double v : values) {
                ss += (v - mean) * (v - mean);
            }
            double sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
            return new Stats(n, mean, sd, positive ? Math.exp(logSum / n) : Double.NaN, min, max);
        }
    }

    private static void markdownTable(StringBuilder sb, List<String> header, List<List<String>> lines) {
        sb.append("| ").append(String.join(" | ", header.stream().map(ResultTable::cell).toList())).append(" |\n");
        sb.append("|").append("---|".repeat(header.size())).append("\n");
        for (List<String> line : lines) {
            sb.append("| ").append(String.join(" | ", line.stream().map(ResultTable::cell).toList())).append(" |\n");
        }
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    private static String shorten(String s) {
        String line = s.replace('\n', ' ');
        return line.length() <= 120 ? line : line.substring(0, 117) + "...";
    }

    private static String csvLine(List<String> cells) {
        return String.join(",", cells.stream().map(ResultTable::csvCell).toList()) + "\n";
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String raw(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            return d.isNaN() ? "" : String.valueOf(d);
        }
        return String.valueOf(v);
    }

    static String fixed(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String sci(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2e", v);
    }

    private static String whole(double v) {
        return Double.isNaN(v) ? "" : String.valueOf((long) v);
    }
}
