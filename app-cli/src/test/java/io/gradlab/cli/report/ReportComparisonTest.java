package io.gradlab.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.TrainingListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A report of four runs of one spec made with different {@code --set training.optimizer.lr=...}: what "compare runs" needs. */
class ReportComparisonTest {
    private static final List<String> RATES = List.of("0.01", "0.1", "0.5", "2.0");

    @TempDir
    static Path runs;
    static List<Path> dirs = new ArrayList<>();
    static String page;
    static long bytes;
    static Duration took;

    @BeforeAll
    static void fourRunsAndTheirReport() throws Exception {
        ComponentRegistry registry = new PluginHost(new PluginHostConfig(null, false)).load();
        ExperimentRunner runner = ExperimentRunner.withDefaultKernels(registry);
        String yaml = """
                name: lr-demo
                data:
                  source: {id: fashion-mnist, subset: embedded}
                  validation: 0
                model:
                  architecture: {id: mlp, hidden: [16, 16, 16, 16], activation: sigmoid, init: pytorch-default}
                training:
                  epochs: 3
                  batch-size: 500
                  optimizer: {id: sgd, lr: 0.01}
                  seed: 1
                """;
        for (String lr : RATES) {
            dirs.add(runner.run(SpecLoader.parse(yaml, "lr-demo.yaml", Path.of("."), List.of("training.optimizer.lr=" + lr)),
                    RunOptions.writingTo(runs.resolve("lr-" + lr)), TrainingListener.NONE).runDir());
        }
        Path html = runs.resolve("report.html");
        long start = System.nanoTime();
        HtmlReport.write(dirs, html, new HtmlReport.Options("four runs", false, 72));
        took = Duration.ofNanos(System.nanoTime() - start);
        page = Files.readString(html, StandardCharsets.UTF_8);
        bytes = Files.size(html);
    }

    @Test
    void theSettingsTableListsTheDifferingKeyWithEachRunsValue() {
        String table = section(page, "<div class=\"settings\">", "</div>");
        assertThat(table).contains("<code>training.optimizer.lr</code>");
        Matcher row = Pattern.compile("<tr><td><code>training\\.optimizer\\.lr</code></td>(.*?)</tr>").matcher(table);
        assertThat(row.find()).isTrue();
        List<String> values = new ArrayList<>();
        Matcher cell = Pattern.compile("<td>([^<]*)</td>").matcher(row.group(1));
        while (cell.find()) {
            values.add(cell.group(1));
        }
        assertThat(values).containsExactlyElementsOf(RATES);
        // only what differs: the seed and the architecture are the same in all four
        assertThat(table).doesNotContain("training.seed").doesNotContain("model.architecture");
    }

    @Test
    void runsOfOneSpecAreLabelledByTheirDifferingSettings() {
        for (String lr : RATES) {
            assertThat(page).contains("lr-demo (lr=" + lr + ")");
        }
    }

    @Test
    void everyRunsHeatmapHasTheSameColourRangeAndSoDoEveryHistogram() {
        Set<String> heatmaps = ranges("heatmap-");
        Set<String> histograms = ranges("hist-");
        assertThat(heatmaps).hasSize(1);
        assertThat(histograms).hasSize(1);
        assertThat(count(page, "<figure id=\"heatmap-")).isEqualTo(4);
        assertThat(count(page, "<figure id=\"hist-")).isGreaterThanOrEqualTo(4 * 2 * 2);
        // and the caption says the range
        assertThat(page).contains("heatmap has the same colour range, from ");
    }

    @Test
    void thePageIsSmallAndQuick() {
        assertThat(page).doesNotContain("<script").doesNotContain("<img").doesNotContain("<link");
        assertThat(bytes).isLessThan(1_000_000);
        // a generous bound: the figure that matters (under 5 s for four demo runs) is measured in docs/cli.md
        assertThat(took).isLessThan(Duration.ofSeconds(60));
    }

    /** The distinct data-min/data-max pairs of the colour legends in the figures whose id starts with {@code idPrefix}. */
    private static Set<String> ranges(String idPrefix) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = Pattern.compile("<figure id=\"" + Pattern.quote(idPrefix) + "[^\"]*\">.*?class=\"range\" data-min=\"([^\"]+)\" data-max=\"([^\"]+)\"")
                .matcher(page);
        while (m.find()) {
            out.add(m.group(1) + ".." + m.group(2));
        }
        return out;
    }

    private static String section(String text, String from, String to) {
        int a = text.indexOf(from);
        assertThat(a).as("the page has " + from).isNotNegative();
        return text.substring(a, text.indexOf(to, a));
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
