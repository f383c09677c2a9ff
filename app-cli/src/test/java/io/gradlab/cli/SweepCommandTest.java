package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepCommandTest {
    /** Surefire runs in the module folder; the examples are in the project root. */
    private static final Path EXAMPLES = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("examples/sweeps");

    @TempDir
    Path dir;

    /** The shipped depth sweep with two depths instead of six. */
    private Path reducedDepthSweep() throws IOException {
        Files.copy(EXAMPLES.resolve("mlp-base.yaml"), dir.resolve("mlp-base.yaml"));
        String sweep = Files.readString(EXAMPLES.resolve("depth.yaml"));
        assertThat(sweep).contains("model.architecture.depth: [2, 3, 4, 6, 8, 10]");
        Path reduced = dir.resolve("depth.yaml");
        assertThat(sweep).contains("training.seed: [1, 2]");
        Files.writeString(reduced, sweep.replace("model.architecture.depth: [2, 3, 4, 6, 8, 10]", "model.architecture.depth: [2, 6]")
                .replace("training.seed: [1, 2]", "training.seed: [1]"));
        return reduced;
    }

    @Test
    void theShippedDepthSweepShowsSigmoidLosingGradientWithDepthAndReluKeepingIt() throws IOException {
        Path out = dir.resolve("out");
        Cli.Result r = Cli.run("sweep", reducedDepthSweep().toString(), "--out", out.toString(), "--epochs", "1",
                "--set", "data.validation=4000");

        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("sweep depth: 4 trial(s), engine local")
                .contains("[4/4] ").contains("4 of 4 trial(s) completed").contains("report: " + out.resolve("report.html"));
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertThat(csv).hasSize(5);
        List<String> header = List.of(csv.get(0).split(","));
        int activation = header.indexOf("model.architecture.activation");
        int depth = header.indexOf("model.architecture.depth");
        int ratio = header.indexOf("grad_ratio_first_last");
        Map<String, Double> ratios = csv.stream().skip(1).map(l -> l.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)"))
                .collect(Collectors.toMap(c -> c[activation] + "-" + c[depth], c -> Double.parseDouble(c[ratio])));
        assertThat(ratios.get("sigmoid-6")).isLessThan(ratios.get("sigmoid-2") / 10);
        assertThat(ratios.get("relu-6")).isGreaterThan(0.1);
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("Gradient norm ratio first / last hidden layer against model.architecture.depth")
                .contains("<figure id=\"grad_ratio_first_last\"><svg class=\"chart\"").doesNotContain("<img")
                .contains("activation-relu_init-he-normal_lr-0.05_depth-6_seed-1");
        assertThat(Files.readString(out.resolve("results.md"))).contains("## Mean over seeds");

        // the same sweep again: nothing left to run
        Cli.Result again = Cli.run("sweep", dir.resolve("depth.yaml").toString(), "--out", out.toString(), "--epochs", "1",
                "--set", "data.validation=4000");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("4 trial(s) finished by an earlier run of this sweep are kept; 0 to run")
                .contains("4 of 4 trial(s) completed (4 kept from an earlier run)");
    }

    @Test
    void aBadAxisValueFailsBeforeAnythingRunsAndNamesTheTrial() throws IOException {
        Path sweep = reducedDepthSweep();
        Files.writeString(sweep, Files.readString(sweep).replace("activation: relu", "activation: rleu"));
        Path out = dir.resolve("out");

        Cli.Result r = Cli.run("sweep", sweep.toString(), "--out", out.toString());

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("trial activation-rleu_init-he-normal_lr-0.05_depth-2_seed-1")
                .contains("unknown activation 'rleu'").contains("did you mean 'relu'");
        assertThat(out).doesNotExist();
    }

    @Test
    void theSparkEngineNeedsItsModule() throws IOException {
        Cli.Result r = Cli.run("sweep", reducedDepthSweep().toString(), "--out", dir.resolve("out").toString(), "--engine", "spark");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown sweep engine 'spark'; available: local").contains("sweep-spark/target/lib");
    }
}
