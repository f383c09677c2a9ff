package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.cli.report.HtmlReport;
import io.gradlab.engine.run.Json;
import io.gradlab.engine.run.OutputFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gradlab report RUN...}: one self-contained HTML page comparing run folders, and its charts as PNG files. */
@Command(name = "report",
        header = "Write one HTML page (and PNG charts) comparing run folders.",
        description = {"Write one self-contained HTML page comparing run folders: a summary table, the findings, loss and",
                "accuracy curves, per-layer gradient norms (log scale), a layer x epoch heatmap of gradient norms,",
                "dead/saturated units and histograms of weights and gradients. The page loads nothing from the network;",
                "the same charts are written as PNG files into <name>-charts/ next to it. Stopped runs can be reported."})
final class ReportCommand implements Callable<Integer> {
    private final Host host;

    @Parameters(arity = "1..*", paramLabel = "RUN", description = "Run folders written by 'gradlab run'.")
    List<Path> runs = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE", defaultValue = "report.html",
            description = "The HTML file to write (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--title", paramLabel = "TEXT", defaultValue = "gradlab report", description = "The page title.")
    String title;

    @Option(names = "--no-png", description = "Do not write the PNG files.")
    boolean noPng;

    @Option(names = "--dpi", paramLabel = "N", defaultValue = "150",
            description = "Resolution of the PNG files, 72-600 (default: ${DEFAULT-VALUE}).")
    int dpi;

    @Option(names = "--json", description = "Print what was written as JSON.")
    boolean json;

    ReportCommand(Host host) {
        this.host = requireNonNull(host, "host is null");
    }

    @Override
    public Integer call() {
        Console console = host.console();
        out = OutputFiles.checkOutput(out, "--out");
        HtmlReport.Result result;
        try (ProbeProgress progress = new ProbeProgress(json ? new Console(console.out(), console.err(), false, console.verbose()) : console,
                "report", 1)) {
            result = HtmlReport.write(runs, out, new HtmlReport.Options(title, !noPng, dpi),
                    (done, total) -> progress.update(done, total, done + "/" + total + " charts"));
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("html", result.html().toAbsolutePath().toString());
            m.put("charts", result.charts());
            m.put("png_dir", result.pngs().isEmpty() ? null : HtmlReport.pngDir(result.html()).toString());
            m.put("pngs", result.pngs().stream().map(Path::toString).toList());
            console.out().println(Json.pretty(m).stripTrailing());
        } else {
            console.out().println("report: " + result.html().toAbsolutePath() + " (" + result.charts() + " charts, " + runs.size() + " run(s))");
            if (!result.pngs().isEmpty()) {
                console.out().println("charts as PNG: " + HtmlReport.pngDir(result.html()) + " (" + result.pngs().size() + " files, " + dpi + " dpi)");
            }
        }
        console.out().flush();
        return 0;
    }
}
