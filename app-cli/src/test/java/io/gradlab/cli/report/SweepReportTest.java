package io.gradlab.cli.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.engine.sweep.ResultTable;
import io.gradlab.engine.sweep.SweepLoader;
import io.gradlab.engine.sweep.SweepPlan;
import io.gradlab.engine.sweep.SweepRunner;
import io.gradlab.engine.sweep.Trial;
import io.gradlab.engine.sweep.TrialResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep page from made-up trial results: no training, the figures are chosen so that every number is known. */
class SweepReportTest {
    @TempDir
    Path dir;

    /** activation x depth x seed; the ratio is 10^-depth for sigmoid (times 2 for seed 2), 1 for relu; one trial failed. */
    private SweepRunner.Outcome outcome(String axes, boolean failOne) throws IOException {
        Files.writeString(dir.resolve("base.yaml"), "name: base\n");
        Path file = dir.resolve("s.yaml");
        String text = "name: depth-test\ndescription: sigmoid <against> relu & depth\nbase: base.yaml\naxes:\n" + axes;
        SweepPlan plan = SweepPlan.expand(SweepLoader.parse(text, file), List.of());
        List<TrialResult> results = new ArrayList<>();
        for (Trial t : plan.trials()) {
            Map<String, String> v = t.axisValues();
            String activation = v.getOrDefault("model.architecture.activation", "relu");
            double depth = Double.parseDouble(v.getOrDefault("model.architecture.depth", "2"));
            int seed = Integer.parseInt(v.getOrDefault("training.seed", "1"));
            if (failOne && activation.equals("relu") && depth == 4 && seed == 2) {
                results.add(TrialResult.failed(t.id(), "loss <NaN> at step 3"));
                continue;
            }
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("grad_ratio_first_last", activation.equals("sigmoid") ? Math.pow(10, -depth) * seed : 1.0);
            figures.put("grad_norm_first", activation.equals("sigmoid") ? 0.0 : 0.5);
            figures.put("final_test_accuracy", activation.equals("sigmoid") ? 0.1 : 0.8 + 0.02 * seed);
            figures.put("epochs_to_50_percent", activation.equals("sigmoid") ? null : seed);
            results.add(new TrialResult(t.id(), "completed", dir.resolve("trials").resolve(t.id()).toString(), figures, null, false));
        }
        return new SweepRunner.Outcome(plan, ResultTable.of(plan, results), results, dir, 0);
    }

    private static final String GRID = """
              model.architecture.activation: [sigmoid, relu]
              model.architecture.depth: [2, 4]
              training.seed: [1, 2]
            """;

    @Test
    void theLinesAverageOverSeedsGeometricallyOnALogAxisAndLeaveOutFailedAndNonPositiveValues() throws IOException {
        ResultTable table = outcome(GRID, true).table();
        assertThat(SweepReport.xAxis(table)).contains("model.architecture.depth");

        Map<String, TreeMap<Double, Double>> ratio = SweepReport.lines(table, "model.architecture.depth", SweepReport.FIGURES.get(0));
        assertThat(ratio).containsOnlyKeys("activation=sigmoid", "activation=relu");
        // geometric mean of 1e-2 and 2e-2, of 1e-4 and 2e-4
        assertThat(ratio.get("activation=sigmoid").get(2.0)).isCloseTo(Math.sqrt(2) * 1e-2, within(1e-12));
        assertThat(ratio.get("activation=sigmoid").get(4.0)).isCloseTo(Math.sqrt(2) * 1e-4, within(1e-14));
        assertThat(ratio.get("activation=relu")).containsOnlyKeys(2.0, 4.0);

        // sigmoid's first-layer norm is 0: nothing to put on a log axis
        assertThat(SweepReport.lines(table, "model.architecture.depth", SweepReport.FIGURES.get(1))).containsOnlyKeys("activation=relu");

        // accuracy: the plain mean; relu depth 4 has only seed 1 (seed 2 failed)
        Map<String, TreeMap<Double, Double>> accuracy = SweepReport.lines(table, "model.architecture.depth", SweepReport.FIGURES.get(2));
        assertThat(accuracy.get("activation=relu").get(2.0)).isCloseTo(0.83, within(1e-12));
        assertThat(accuracy.get("activation=relu").get(4.0)).isCloseTo(0.82, within(1e-12));
    }

    @Test
    void thePageIsTheSharedSelfContainedPageWithEveryChartAndBothTables() throws IOException {
        String page = SweepReport.html(outcome(GRID, true));

        assertThat(page).startsWith("<!DOCTYPE html>").contains("<title>Sweep depth-test</title>").contains("<h1>Sweep depth-test</h1>")
                .contains("svg.chart { display: block;").endsWith("</html>\n");
        assertThat(page).doesNotContain("<script").doesNotContain("<img").doesNotContain("<link").doesNotContain("base64");
        // three charts, inline, each in its figure with a caption; SVG ids unique across the charts
        assertThat(count(page, "<svg class=\"chart\"")).isEqualTo(3);
        assertThat(count(page, "<svg")).isEqualTo(3);
        assertThat(page).contains("<figure id=\"grad_ratio_first_last\">", "<figure id=\"grad_norm_first\">", "<figure id=\"final_test_accuracy\">")
                .contains("<h2>Against model.architecture.depth</h2>")
                .contains("Gradient norm ratio first / last hidden layer against model.architecture.depth: one line per combination of the"
                        + " other axes, geometric mean over seeds (log scale).")
                .contains("Final test accuracy against model.architecture.depth: one line per combination of the other axes, mean over seeds.");
        Matcher ids = Pattern.compile("\\bid=\"([^\"]+)\"").matcher(page);
        List<String> all = new ArrayList<>();
        while (ids.find()) {
            all.add(ids.group(1));
        }
        assertThat(all).doesNotHaveDuplicates();

        // text is escaped by the shared page
        assertThat(page).contains("<p>sigmoid &lt;against&gt; relu &amp; depth</p>").contains("loss &lt;NaN&gt; at step 3")
                .doesNotContain("<NaN>").doesNotContain("<against>");
        assertThat(page).contains("<p class=\"meta\">8 trial(s), 7 completed. Sweep file <code>" + dir.resolve("s.yaml") + "</code>.</p>");

        // means over seeds: sigmoid depth 2 has a ratio geomean of 1.41e-2 between 1e-2 and 2e-2; relu depth 4 lost a trial
        String grouped = section(page, "<h2>Mean over seeds</h2>", "<h2>Trials</h2>");
        // header lines may break after the dots of the keys
        assertThat(grouped).contains("<th>model.<wbr>architecture.<wbr>activation</th><th>model.<wbr>architecture.<wbr>depth</th><th>completed</th>")
                .doesNotContain("training.<wbr>seed");
        assertThat(count(grouped, "<tr><td>")).isEqualTo(4);
        assertThat(grouped).contains("<tr><td>sigmoid</td><td>2</td><td class=\"status completed\">2/2</td><td>10.0% ± 0.0%</td>"
                + "<td>0.01414 [0.01000, 0.02000]</td><td>not reached</td></tr>");
        assertThat(grouped).contains("<tr><td>relu</td><td>2</td><td class=\"status completed\">2/2</td><td>83.0% ± 1.4%</td>"
                + "<td>1.000 [1.000, 1.000]</td><td>1.5 (2/2)</td></tr>");
        assertThat(grouped).contains("<tr><td>relu</td><td>4</td><td class=\"status failed\">1/2</td><td>82.0% ± 0.0%</td>");

        // one row per trial, with its status, figures and run folder
        String trials = page.substring(page.indexOf("<h2>Trials</h2>"));
        assertThat(count(trials, "<tr><td>")).isEqualTo(8);
        assertThat(trials).contains("<th>trial</th><th>model.<wbr>architecture.<wbr>activation</th><th>model.<wbr>architecture.<wbr>depth</th>"
                + "<th>training.<wbr>seed</th><th>status</th>");
        assertThat(trials).contains("<td class=\"status failed\">failed: loss &lt;NaN&gt; at step 3</td><td>&ndash;</td>")
                .contains("<td class=\"status completed\">completed</td><td>84.0%</td><td>1.000</td><td>0.5000</td><td>2</td>"
                        + "<td><code>trials/activation-relu_depth-2_seed-2</code></td></tr>");
    }

    @Test
    void withoutANumericAxisThereIsNoPlotButStillBothTables() throws IOException {
        String page = SweepReport.html(outcome("  model.architecture.activation: [sigmoid, relu]\n", false));

        assertThat(SweepReport.xAxis(outcome("  model.architecture.activation: [sigmoid, relu]\n", false).table())).isEmpty();
        assertThat(page).contains("No plot: the sweep has no numeric axis to put on the x axis.").doesNotContain("<svg");
        assertThat(page).contains("<h2>Mean over seeds</h2>").contains("<h2>Trials</h2>");
        assertThat(count(page, "<tr><td>")).isEqualTo(2 + 2);
    }

    @Test
    void aSeedAxisIsNeverTheXAxisAndANumericAxisIsUsedWhenNoneIsADepth() throws IOException {
        ResultTable table = outcome("  training.optimizer.lr: [0.1, 0.01]\n  training.seed: [1, 2]\n", false).table();
        assertThat(SweepReport.xAxis(table)).contains("training.optimizer.lr");
        // the only non-seed axis is on the x axis: one line, named after the figure
        assertThat(SweepReport.lines(table, "training.optimizer.lr", SweepReport.FIGURES.get(2))).containsOnlyKeys("final_test_accuracy");
    }

    @Test
    void runFoldersInTheSweepFolderAreShownRelativeToItAndOthersAsTheyAre() {
        assertThat(SweepReport.relative(dir.resolve("trials/t1/run-1").toString(), dir)).isEqualTo("trials/t1/run-1");
        assertThat(SweepReport.relative("hdfs://nn:8020/sweeps/depth/trials/t1/run-1", dir)).isEqualTo("hdfs://nn:8020/sweeps/depth/trials/t1/run-1");
        assertThat(SweepReport.relative("/elsewhere/run-1", dir)).isEqualTo("/elsewhere/run-1");
        assertThat(SweepReport.relative(null, dir)).isNull();
    }

    @Test
    void writeWritesThePage() throws IOException {
        Path file = SweepReport.write(outcome(GRID, false), dir.resolve(SweepReport.FILE));
        assertThat(Files.readString(file)).startsWith("<!DOCTYPE html>").contains("8 trial(s), 8 completed");
    }

    private static String section(String page, String from, String to) {
        return page.substring(page.indexOf(from), page.indexOf(to));
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
