package io.gradlab.cli.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.cli.runs.RunSettings;
import io.gradlab.engine.run.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One self-contained HTML page comparing runs: a summary table, the settings that differ between the
 * runs, loss and accuracy curves, and for each run its findings, per-layer gradient-norm curves (log
 * scale), a layer x epoch heatmap of gradient norms, dead/saturated units and histograms of weights and
 * gradients. The heatmaps of all runs share one log colour range, and so do the histograms. Charts are
 * compact inline SVG (no network, no external CSS or JS); the same charts are written as PNG files into
 * {@code <name>-charts/} next to the page.
 *
 * <p>The plain Java entry point for other commands ({@code gradlab study}) is
 * {@link #write(List, Path)}. The page itself is a {@link ReportPage}, as is the sweep's
 * ({@link SweepReport}): one style sheet, one escaping, one way to embed a chart.
 */
public final class HtmlReport {
    /**
     * @param title the page title
     * @param pngs  whether to write the PNG files as well
     * @param dpi   the resolution of the PNG files (72 = the chart's pixel size; 150 is good for print)
     */
    public record Options(String title, boolean pngs, int dpi) {
        public Options {
            requireNonNull(title, "title is null");
            if (dpi < 72 || dpi > 600) {
                throw new GradlabException(Category.USAGE, "--dpi must be between 72 and 600, got " + dpi);
            }
        }

        public static Options defaults() {
            return new Options("gradlab report", true, 150);
        }
    }

    /** Told after each chart is rendered (SVG and PNG). */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> {};

        void chart(int done, int total);
    }

    /** What was written: the page, the PNG files, and the number of charts on the page. */
    public record Result(Path html, List<Path> pngs, int charts) {}

    private HtmlReport() {}

    /** Reads the run folders and writes the report page {@code outFile} and its PNG folder. */
    public static Result write(List<Path> runDirs, Path outFile) {
        return write(runDirs, outFile, Options.defaults());
    }

    public static Result write(List<Path> runDirs, Path outFile, Options options) {
        return write(runDirs, outFile, options, Progress.NONE);
    }

    public static Result write(List<Path> runDirs, Path outFile, Options options, Progress progress) {
        requireNonNull(progress, "progress is null");
        requireNonNull(runDirs, "runDirs is null");
        requireNonNull(outFile, "outFile is null");
        requireNonNull(options, "options is null");
        if (runDirs.isEmpty()) {
            throw new GradlabException(Category.USAGE, "no run folders given: name at least one folder written by 'gradlab run'");
        }
        List<RunData> loaded = runDirs.stream().map(RunData::load).toList();
        List<Map<String, Object>> settings = loaded.stream().map(r -> RunSettings.flat(r.dir())).toList();
        List<String> differing = RunSettings.differing(settings);
        List<RunData> runs = uniqueLabels(loaded, settings, differing);
        List<ReportChart> charts = ReportCharts.all(runs);
        Path parent = outFile.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot create " + parent + ": " + e.getMessage(), e);
        }
        List<Path> pngs = new ArrayList<>();
        Map<ReportChart, String> svgs = new LinkedHashMap<>();
        for (ReportChart c : charts) {
            svgs.put(c, ReportPage.svg(c));
            progress.chart(svgs.size(), charts.size() * (options.pngs() ? 2 : 1));
        }
        if (options.pngs()) {
            Path dir = pngDir(outFile);
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new GradlabException(Category.IO, "cannot create " + dir + ": " + e.getMessage(), e);
            }
            // the PNG files take most of a report's time (about 0.2 s each at 150 dpi): drawn on all cores, each
            // chart on one thread; progress is told one call at a time
            AtomicInteger done = new AtomicInteger();
            charts.parallelStream().forEach(c -> {
                ChartFiles.png(c.chart(), dir.resolve(c.id() + ".png"), options.dpi());
                synchronized (progress) {
                    progress.chart(charts.size() + done.incrementAndGet(), charts.size() * 2);
                }
            });
            charts.forEach(c -> pngs.add(dir.resolve(c.id() + ".png")));
        }
        RunFolder.writeAtomically(outFile.toAbsolutePath(), render(runs, settings, differing, charts, svgs, options.title()).getBytes(StandardCharsets.UTF_8));
        return new Result(outFile, List.copyOf(pngs), charts.size());
    }

    /** {@code report.html} -> {@code report-charts/}. */
    public static Path pngDir(Path outFile) {
        String name = outFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return outFile.toAbsolutePath().resolveSibling((dot > 0 ? name.substring(0, dot) : name) + "-charts");
    }

    /**
     * Runs that share a name (the same spec run with different {@code --set} values) are told apart by the
     * settings that differ between the runs ({@code demo (lr=0.1)}), then by a number when those do not.
     */
    static List<RunData> uniqueLabels(List<RunData> runs, List<Map<String, Object>> settings, List<String> differing) {
        Map<String, Integer> names = new HashMap<>();
        runs.forEach(r -> names.merge(r.label(), 1, Integer::sum));
        List<RunData> labelled = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunData r = runs.get(i);
            labelled.add(names.get(r.label()) > 1 && !differing.isEmpty() ? r.withLabel(r.label() + " (" + settingsLabel(settings.get(i), differing) + ")") : r);
        }
        Map<String, Integer> seen = new HashMap<>();
        List<RunData> out = new ArrayList<>();
        for (RunData r : labelled) {
            int n = seen.merge(r.label(), 1, Integer::sum);
            out.add(n == 1 ? r : r.withLabel(r.label() + " #" + n));
        }
        return out;
    }

    /** {@code lr=0.1, epochs=4}: the differing settings by the last part of their key, at most three. */
    private static String settingsLabel(Map<String, Object> settings, List<String> differing) {
        List<String> parts = new ArrayList<>();
        for (String key : differing.subList(0, Math.min(3, differing.size()))) {
            parts.add(key.substring(key.lastIndexOf('.') + 1) + "=" + RunSettings.text(settings.get(key)));
        }
        return String.join(", ", parts) + (differing.size() > 3 ? ", ..." : "");
    }

    /** The page. */
    static String render(List<RunData> runs, List<Map<String, Object>> settings, List<String> differing, List<ReportChart> charts,
            Map<ReportChart, String> svgs, String title) {
        ReportPage page = new ReportPage(title);
        StringBuilder meta = new StringBuilder("<p class=\"meta\">").append(runs.size()).append(runs.size() == 1 ? " run" : " runs").append(": ");
        for (int i = 0; i < runs.size(); i++) {
            meta.append(i == 0 ? "" : ", ").append("<a href=\"#").append(anchor(runs.get(i))).append("\">")
                    .append(Html.esc(runs.get(i).label())).append("</a>");
        }
        page.raw(meta.append("</p>\n").toString());
        summaryTable(page, runs);
        settingsTable(page, runs, settings, differing);
        page.heading(2, "Comparison").figures(charts.stream().filter(c -> c.section() == null).toList(), svgs, true);
        for (RunData run : runs) {
            page.raw("<section id=\"" + anchor(run) + "\">\n").heading(2, run.label());
            page.raw("<p class=\"meta\">" + Html.esc(run.dir().toString())
                    + (run.description().isEmpty() ? "" : "<br>" + Html.esc(run.description())) + "</p>\n");
            page.heading(3, "Findings").raw(findings(run));
            page.figures(charts.stream().filter(c -> run.label().equals(c.section())).toList(), svgs, false);
            page.raw("</section>\n");
        }
        return page.html("Written by gradlab report. Charts drawn from XChart charts; the same charts are PNG files in the folder next to"
                + " this page unless --no-png.");
    }

    private static String anchor(RunData run) {
        return "run-" + ReportCharts.slug(run.label());
    }

    private static void summaryTable(ReportPage page, List<RunData> runs) {
        List<List<ReportPage.Cell>> rows = new ArrayList<>();
        for (RunData r : runs) {
            JsonNode s = r.summary();
            int last = r.epochs().size() - 1;
            double trainLoss = s.has("final_train_loss") ? RunData.number(s.get("final_train_loss")) : last >= 0 ? r.value(last, "train_loss") : Double.NaN;
            double testAcc = s.has("final_test_accuracy") ? RunData.number(s.get("final_test_accuracy"))
                    : last >= 0 ? r.value(last, "test_accuracy") : Double.NaN;
            double best = Double.NaN;
            for (int i = 0; i <= last; i++) {
                double a = r.value(i, "test_accuracy");
                if (!Double.isNaN(a) && (Double.isNaN(best) || a > best)) {
                    best = a;
                }
            }
            double ratio = last >= 0 ? r.value(last, "grad_ratio_first_last") : Double.NaN;
            long critical = latestFindings(r).values().stream().filter(f -> f.path("severity").asText().equals("CRITICAL")).count();
            String epochs = r.epochs().size() + (s.has("epochs_planned") ? " / " + s.get("epochs_planned").asInt() : "");
            rows.add(List.of(ReportPage.Cell.link(anchor(r), r.label()), ReportPage.Cell.status(r.status(), r.status()),
                    ReportPage.Cell.text(epochs), ReportPage.Cell.num(trainLoss), ReportPage.Cell.pct(testAcc), ReportPage.Cell.pct(best),
                    ReportPage.Cell.num(ratio), ReportPage.Cell.text(String.valueOf(critical)),
                    ReportPage.Cell.num(RunData.number(s.get("seconds")))));
        }
        page.heading(2, "Summary").table(List.of("run", "status", "epochs", "final train loss", "final test acc.", "best test acc.",
                "grad ratio first/last", "critical findings", "seconds"), rows);
    }

    /** The spec keys whose values differ between the runs, a column per run; nothing for a single run. */
    private static void settingsTable(ReportPage page, List<RunData> runs, List<Map<String, Object>> settings, List<String> differing) {
        if (runs.size() < 2) {
            return;
        }
        page.heading(2, "Settings that differ");
        if (differing.isEmpty()) {
            page.paragraph("The runs have the same settings (spec.resolved.yaml).");
            return;
        }
        List<String> header = new ArrayList<>(List.of("setting"));
        runs.forEach(r -> header.add(r.label()));
        List<List<ReportPage.Cell>> rows = new ArrayList<>();
        for (String key : differing) {
            List<ReportPage.Cell> row = new ArrayList<>(List.of(ReportPage.Cell.code(key)));
            settings.forEach(s -> row.add(ReportPage.Cell.text(RunSettings.text(s.get(key)))));
            rows.add(row);
        }
        page.raw("<div class=\"settings\">\n").table(header, rows).raw("</div>\n");
    }

    /** The findings of every epoch, the latest per (code, layer), with the epoch they were last seen in. */
    static Map<String, JsonNode> latestFindings(RunData run) {
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        for (JsonNode e : run.epochs()) {
            for (JsonNode f : e.path("findings")) {
                String key = f.path("code").asText() + "@" + f.path("layer").asText("");
                latest.remove(key);
                com.fasterxml.jackson.databind.node.ObjectNode copy = f.deepCopy();
                copy.put("epoch", e.path("epoch").asInt());
                latest.put(key, copy);
            }
        }
        return latest;
    }

    /** The run's error and findings, most severe first. */
    private static String findings(RunData run) {
        StringBuilder h = new StringBuilder();
        String error = run.summary().path("error").asText("");
        if (!error.isEmpty()) {
            h.append("<div class=\"finding CRITICAL\"><span class=\"sev\">").append(Html.esc(run.status().toUpperCase(java.util.Locale.ROOT)))
                    .append("</span> ").append(Html.esc(error)).append("</div>\n");
        }
        Map<String, JsonNode> latest = latestFindings(run);
        if (latest.isEmpty() && error.isEmpty()) {
            return h.append("<p class=\"ok\">No findings: the diagnostics saw nothing wrong.</p>\n").toString();
        }
        List<JsonNode> sorted = new ArrayList<>(latest.values());
        sorted.sort((a, b) -> Integer.compare(rank(b), rank(a)));
        for (JsonNode f : sorted) {
            String sev = f.path("severity").asText("INFO");
            h.append("<div class=\"finding ").append(Html.esc(sev)).append("\"><span class=\"sev\">").append(Html.esc(sev))
                    .append("</span> <code>").append(Html.esc(f.path("code").asText())).append("</code>");
            if (f.hasNonNull("layer")) {
                h.append(" in <b>").append(Html.esc(f.get("layer").asText())).append("</b>");
            }
            h.append(" (last seen at epoch ").append(f.path("epoch").asInt()).append(")<p>").append(Html.esc(f.path("message").asText()))
                    .append("</p>");
            JsonNode evidence = f.path("evidence");
            if (evidence.size() > 0) {
                h.append("<p class=\"evidence\">evidence: ");
                boolean first = true;
                for (Map.Entry<String, JsonNode> e : evidence.properties()) {
                    h.append(first ? "" : ", ").append(Html.esc(e.getKey())).append(" = ").append(evidenceValue(e.getValue()));
                    first = false;
                }
                h.append("</p>");
            }
            if (f.path("remedies").size() > 0) {
                h.append("<ul class=\"remedies\">");
                for (JsonNode r : f.get("remedies")) {
                    h.append("<li>").append(Html.esc(r.asText())).append("</li>");
                }
                h.append("</ul>");
            }
            h.append("</div>\n");
        }
        return h.toString();
    }

    private static int rank(JsonNode f) {
        return switch (f.path("severity").asText()) {
            case "CRITICAL" -> 2;
            case "WARNING" -> 1;
            default -> 0;
        };
    }

    private static String evidenceValue(JsonNode v) {
        if (v.isNumber()) {
            return v.isIntegralNumber() ? v.asText() : Html.num(v.asDouble());
        }
        if (v.isArray()) {
            List<String> items = new ArrayList<>();
            for (JsonNode item : v) {
                items.add(evidenceValue(item));
            }
            return "[" + String.join(", ", items) + "]";
        }
        if (v.isObject()) {
            StringBuilder sb = new StringBuilder("{");
            Iterator<Map.Entry<String, JsonNode>> it = v.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                sb.append(Html.esc(e.getKey())).append(": ").append(evidenceValue(e.getValue())).append(it.hasNext() ? ", " : "");
            }
            return sb.append("}").toString();
        }
        return Html.esc(v.asText());
    }
}
