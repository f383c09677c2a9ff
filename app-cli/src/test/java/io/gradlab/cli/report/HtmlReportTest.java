package io.gradlab.cli.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.GradlabException;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.run.RunFolder;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.TrainingListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    @TempDir
    static Path runs;
    static Path sigmoid;
    static Path tanh;
    static Path stopped;
    static Path reportDir;
    static HtmlReport.Result report;

    @BeforeAll
    static void train() throws Exception {
        ComponentRegistry registry = new PluginHost(new PluginHostConfig(null, false)).load();
        ExperimentRunner runner = ExperimentRunner.withDefaultKernels(registry);
        sigmoid = run(runner, "deep-sigmoid", "sigmoid", 2, "0.1", "pytorch-default");
        tanh = run(runner, "deep-tanh", "tanh", 2, "0.1", "{id: normal, std: 0.3}");
        try {
            run(runner, "exploding", "identity", 3, "50", "{id: normal, std: 0.5}");
        } catch (GradlabException e) {
            // the NaN sentinel stops it; the folder stays
        }
        stopped = only(runs.resolve("exploding"));
        reportDir = Files.createDirectories(runs.resolve("report"));
        report = HtmlReport.write(List.of(sigmoid, tanh, stopped), reportDir.resolve("report.html"), new HtmlReport.Options("test report", true, 72));
    }

    private static Path run(ExperimentRunner runner, String name, String activation, int epochs, String lr, String init) {
        String yaml = """
                name: %s
                description: a %s MLP on the embedded subset
                data:
                  source: {id: fashion-mnist, subset: embedded}
                model:
                  architecture: {id: mlp, hidden: [16, 16, 16, 16, 16, 16], activation: %s, init: %s}
                training:
                  epochs: %d
                  batch-size: 500
                  optimizer: {id: sgd, lr: %s}
                  seed: 1
                """.formatted(name, activation, activation, init, epochs, lr);
        return runner.run(SpecLoader.parse(yaml, name + ".yaml", Path.of("."), List.of()), RunOptions.writingTo(runs.resolve(name)),
                TrainingListener.NONE).runDir();
    }

    private static Path only(Path dir) {
        try (var s = Files.list(dir)) {
            return s.findFirst().orElseThrow();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void writesOneSelfContainedPageWithEveryChartAndPngsNextToIt() throws Exception {
        Path html = reportDir.resolve("report.html");
        HtmlReport.Result result = report;
        String page = Files.readString(html, StandardCharsets.UTF_8);

        assertThat(page).startsWith("<!DOCTYPE html>");
        assertThat(page).doesNotContain("<script").doesNotContain("<link").doesNotContain("@import").doesNotContain("url(http")
                .doesNotContain("<img").doesNotContain("<iframe").doesNotContain("<object");
        // attributes hold local anchors only; no http(s) URL anywhere in the markup (text may mention one)
        Matcher attr = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(page);
        List<String> refs = new ArrayList<>();
        while (attr.find()) {
            refs.add(attr.group(1));
        }
        assertThat(refs).isNotEmpty().allSatisfy(ref -> assertThat(ref).matches("#[a-z0-9._-]+"));
        assertThat(tagsOutsideText(page)).doesNotContainPattern("https?://");

        // one inline <svg> per chart, inside its own <figure>, with ids made unique across charts
        int images = count(page, "<svg class=\"chart\"");
        assertThat(images).isEqualTo(result.charts());
        assertThat(count(page, "<svg")).isEqualTo(images);
        assertThat(count(page, "<figure id=")).isEqualTo(images);
        // 2 comparison charts; per run: gradient norms, update ratios, heatmap, histograms of epoch 1 and the last (weights, gradients)
        assertThat(images).isGreaterThanOrEqualTo(2 + 2 * (3 + 4) + 3);
        Matcher ids = Pattern.compile("\\bid=\"([^\"]+)\"").matcher(page);
        List<String> all = new ArrayList<>();
        while (ids.find()) {
            all.add(ids.group(1));
        }
        assertThat(all).doesNotHaveDuplicates();
        Matcher refsInSvg = Pattern.compile("url\\(#([^)]+)\\)").matcher(page);
        while (refsInSvg.find()) {
            assertThat(all).contains(refsInSvg.group(1));
        }

        assertThat(result.pngs()).hasSize(images);
        for (Path png : result.pngs()) {
            assertThat(png.getParent()).isEqualTo(reportDir.resolve("report-charts"));
            byte[] head = Arrays.copyOf(Files.readAllBytes(png), 4);
            assertThat(head).containsExactly(0x89, 'P', 'N', 'G');
        }
        assertThat(page).contains("id=\"loss\"").contains("id=\"accuracy\"").contains("id=\"heatmap-deep-sigmoid\"")
                .contains("id=\"gradnorm-deep-tanh\"").contains("hist-weight-e1-deep-sigmoid").contains("hist-grad-e2-deep-sigmoid");
    }

    @Test
    void showsTheSummaryTheFindingsAndTheStoppedRun() throws Exception {
        String page = Files.readString(report.html());
        assertThat(count(page, "<tr><td><a href=\"#run-")).isEqualTo(3);
        assertThat(page).contains("deep-sigmoid").contains("a sigmoid MLP on the embedded subset");
        assertThat(page).contains("vanishing-gradient").contains("examples/m05/relu.yaml");
        assertThat(page).contains("class=\"status stopped\"").contains("became non-finite");
        // the stopped run recorded no epoch, yet its section and (empty) charts are there
        assertThat(page).contains("id=\"run-exploding\"").contains("id=\"gradnorm-exploding\"");
    }

    @Test
    void withoutPngsOnlyThePageIsWritten(@TempDir Path out) throws Exception {
        Path html = out.resolve("r.html");
        HtmlReport.Result r = HtmlReport.write(List.of(stopped), html, new HtmlReport.Options("t", false, 72));
        assertThat(r.pngs()).isEmpty();
        assertThat(Files.exists(HtmlReport.pngDir(html))).isFalse();
        assertThat(count(Files.readString(html), "<svg class=\"chart\"")).isEqualTo(r.charts());
    }

    @Test
    void twoRunsWithTheSameNameGetDistinctLabels() {
        RunData run = RunData.load(sigmoid);
        assertThat(HtmlReport.uniqueLabels(List.of(run, run, run), List.of(Map.of(), Map.of(), Map.of()), List.of())).extracting(RunData::label)
                .containsExactly("deep-sigmoid", "deep-sigmoid #2", "deep-sigmoid #3");
        assertThat(ReportCharts.slug("deep-sigmoid #2")).isEqualTo("deep-sigmoid-2");
    }

    @Test
    void aFolderThatIsNotARunIsAClearError(@TempDir Path out) {
        assertThatThrownBy(() -> HtmlReport.write(List.of(out), out.resolve("x.html")))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("is not a run folder");
        assertThatThrownBy(() -> HtmlReport.write(List.of(out.resolve("missing")), out.resolve("x.html")))
                .hasMessageContaining("no run folder at");
    }

    @Test
    void aTornLastMetricsLineIsSkipped(@TempDir Path out) throws Exception {
        Path copy = Files.createDirectories(out.resolve("torn"));
        List<String> lines = Files.readAllLines(sigmoid.resolve(RunFolder.METRICS));
        Files.writeString(copy.resolve(RunFolder.METRICS), lines.get(0) + "\n" + lines.get(1).substring(0, 40));
        RunData run = RunData.load(copy);
        assertThat(run.epochs()).hasSize(1);
        assertThat(run.status()).isEqualTo("incomplete");
        assertThat(HtmlReport.write(List.of(copy), out.resolve("t.html"), new HtmlReport.Options("t", false, 72)).charts()).isPositive();
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** The markup of the page with text between tags removed (text may mention URLs). */
    private static String tagsOutsideText(String page) {
        StringBuilder sb = new StringBuilder();
        Matcher m = Pattern.compile("<[^>]*>").matcher(page);
        while (m.find()) {
            sb.append(m.group());
        }
        return sb.toString();
    }
}
