package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradlab.engine.train.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {

    @Test
    void timesAFewStepsAndReportsThroughputFlopsAndKernels() throws Exception {
        Cli.Result r = Cli.run("bench", "--batch", "32", "--steps", "3", "--threads", "1", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode m = Json.mapper().readTree(r.out());
        assertThat(m.get("batch").asInt()).isEqualTo(32);
        assertThat(m.get("threads").asInt()).isEqualTo(1);
        assertThat(m.get("samples_per_run").asInt()).isEqualTo(96);
        assertThat(m.get("samples_per_second").asDouble()).isPositive();
        assertThat(m.get("gflops").asDouble()).isPositive();
        // 2mnk per sample: forward and weight gradient of every dense layer, input gradient of all but the first
        long dense = 784L * 128 + 6L * 128 * 128 + 128L * 10;
        long firstLayer = 784L * 128;
        assertThat(m.get("flops_per_sample").asLong()).isEqualTo(2 * (3 * dense - firstLayer));
        assertThat(m.get("backend").asText()).isIn("native-openblas", "java-vector", "java");
        assertThat(m.get("runs")).hasSize(5);
        // warm-up until the JIT compiler is quiet: at least one run, at most the cap
        assertThat(m.get("warmup_runs").size()).isBetween(1, 10);
        assertThat(m.get("final_loss").asDouble()).isBetween(0.0, 10.0);
        // the default diagnostics of every run ran with the steps
        assertThat(m.get("diagnostics")).extracting(JsonNode::asText).contains("gradient-flow", "saturation");
    }

    @Test
    void noDiagnosticsTimesTheBareTrainingStep() throws Exception {
        Cli.Result r = Cli.run("bench", "--batch", "32", "--steps", "2", "--threads", "1", "--no-diagnostics", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode m = Json.mapper().readTree(r.out());
        assertThat(m.get("diagnostics")).isEmpty();
        assertThat(m.get("final_loss").asDouble()).isBetween(0.0, 10.0);
        Cli.Result text = Cli.run("bench", "--batch", "16", "--steps", "2", "--no-diagnostics");
        assertThat(text.out()).contains("diagnostics: none");
    }

    @Test
    void textOutputNamesTheKernelsAndTheData() {
        Cli.Result r = Cli.run("bench", "--batch", "16", "--steps", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("samples/s", "GFLOP/s", "kernels:", "data:");
    }

    @Test
    void anotherActivationTrainsTheSameNetwork() throws Exception {
        Cli.Result r = Cli.run("bench", "--batch", "16", "--steps", "2", "--warmup", "1", "--no-diagnostics", "--activation", "gelu", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode m = Json.mapper().readTree(r.out());
        assertThat(m.get("activation").asText()).isEqualTo("gelu");
        assertThat(m.get("final_loss").asDouble()).isBetween(0.0, 10.0);
        assertThat(Cli.run("bench", "--batch", "16", "--steps", "1", "--warmup", "1", "--activation", "softplus").out())
                .startsWith("gradlab bench: 784 -> 7 x 128 softplus -> 10");

        Cli.Result unknown = Cli.run("bench", "--steps", "1", "--activation", "sigmoidd");
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.err()).contains("sigmoidd").contains("sigmoid");
    }

    @Test
    void aMissingDataFolderIsADataError(@TempDir Path dir) {
        Cli.Result r = Cli.run("bench", "--steps", "1", "--data", dir.resolve("nope").toString());
        assertThat(r.code()).isEqualTo(4);
        assertThat(r.err()).contains("is not a folder");
    }

    @Test
    void warmupGivesTheNumberOfUntimedRuns() throws Exception {
        Cli.Result r = Cli.run("bench", "--batch", "16", "--steps", "2", "--threads", "1", "--warmup", "2", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Json.mapper().readTree(r.out()).get("warmup_runs")).hasSize(2);
        Cli.Result bad = Cli.run("bench", "--steps", "1", "--warmup", "-1");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--warmup must be in [0, 1000]");
    }

    @Test
    void epochsAndStepsExcludeEachOther() {
        Cli.Result r = Cli.run("bench", "--steps", "1", "--epochs", "1");
        assertThat(r.code()).isEqualTo(2);
    }
}
