package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradlab.engine.run.Json;
import java.nio.file.Files;
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

    /** A small spec on the embedded subset: 784 -> 16 relu -> 10, batch 32, with a diagnostic of its own. */
    private static Path tinySpec(Path dir) throws Exception {
        Path spec = dir.resolve("tiny.yaml");
        Files.writeString(spec, """
                name: tiny-bench
                description: a tiny MLP for the benchmark's tests
                data:
                  source: {id: fashion-mnist, subset: embedded}
                  validation: 500
                model:
                  architecture: {id: mlp, hidden: [16], activation: relu, init: {id: normal, std: 0.05}}
                  loss: softmax-cross-entropy
                training:
                  epochs: 100
                  batch-size: 32
                  optimizer: {id: adam, lr: 0.001}
                  seed: 7
                diagnostics: [{id: saturation, every: 3}]
                """);
        return spec;
    }

    @Test
    void timesASpecThroughTheRunPathAndNamesIt(@TempDir Path dir) throws Exception {
        Path spec = tinySpec(dir);
        Cli.Result r = Cli.run("bench", spec.toString(), "--steps", "2", "--warmup", "1", "--threads", "1", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode m = Json.mapper().readTree(r.out());
        assertThat(m.get("workload").asText()).isEqualTo("tiny-bench");
        assertThat(m.get("spec").asText()).isEqualTo(spec.toString());
        assertThat(m.get("description").asText()).isEqualTo("a tiny MLP for the benchmark's tests");
        // the spec's batch size, its data (the validation split taken off), its components
        assertThat(m.get("batch").asInt()).isEqualTo(32);
        assertThat(m.get("samples_per_run").asInt()).isEqualTo(64);
        assertThat(m.get("data").asText()).contains("embedded subset", "4500 train / 500 validation");
        assertThat(m.get("embedded_subset").asBoolean()).isTrue();
        assertThat(m.get("notes")).isEmpty(); // the spec asked for the subset
        assertThat(m.get("runs")).hasSize(5);
        assertThat(m.get("warmup_runs")).hasSize(1);
        assertThat(m.get("samples_per_second").asDouble()).isPositive();
        assertThat(m.get("final_loss").asDouble()).isBetween(0.0, 10.0);
        // dense layers only: 2mnk of forward and weight gradient, input gradient but for the first layer
        assertThat(m.get("flops_per_sample").asLong()).isEqualTo(2 * (2 * 784L * 16 + 3 * 16L * 10));
        assertThat(m.get("gflops").asDouble()).isPositive();
        // the spec's diagnostic first, then the defaults of every run
        assertThat(m.get("diagnostics").get(0).asText()).isEqualTo("saturation");
        assertThat(m.get("diagnostics")).extracting(JsonNode::asText).contains("gradient-flow", "dead-units");
        assertThat(m.get("openblas_coretype").asText()).isNotBlank();
    }

    @Test
    void batchAndSetOverrideTheSpecAndNoDiagnosticsDropsItsOwnToo(@TempDir Path dir) throws Exception {
        Path spec = tinySpec(dir);
        Cli.Result r = Cli.run("bench", spec.toString(), "--batch", "16", "--set", "data.validation=0", "--steps", "3", "--warmup", "1",
                "--threads", "1", "--no-diagnostics", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode m = Json.mapper().readTree(r.out());
        assertThat(m.get("batch").asInt()).isEqualTo(16);
        assertThat(m.get("samples_per_run").asInt()).isEqualTo(48);
        assertThat(m.get("data").asText()).contains("5000 train / 1000 test");
        assertThat(m.get("diagnostics")).isEmpty();
    }

    @Test
    void epochsOfASpecAndItsStrategyNote(@TempDir Path dir) throws Exception {
        Path spec = tinySpec(dir);
        Cli.Result r = Cli.run("bench", spec.toString(), "--epochs", "1", "--warmup", "1", "--threads", "1", "--set", "data.validation=4000",
                "--set", "training.strategy={id: layerwise, blocks: [1], width: 16}");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("workload: tiny-bench (" + spec + "): a tiny MLP", "median of 1 runs of 1000 samples",
                "note:    the spec's training strategy 'layerwise' was not run");
    }

    @Test
    void aRecurrentSpecHasNoFlopCount(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("gru.yaml");
        Files.writeString(spec, """
                name: tiny-gru
                data:
                  source: {id: fashion-mnist, subset: embedded, time-steps: 28}
                model:
                  architecture: {id: rnn-net, cell: gru, hidden: 8}
                  loss: softmax-cross-entropy
                training:
                  epochs: 1
                  batch-size: 50
                  optimizer: {id: adam, lr: 0.005}
                """);
        Cli.Result json = Cli.run("bench", spec.toString(), "--steps", "2", "--warmup", "1", "--threads", "1", "--json");
        assertThat(json.code()).as(json.err()).isZero();
        JsonNode m = Json.mapper().readTree(json.out());
        assertThat(m.get("flops_per_sample").isNull()).isTrue();
        assertThat(m.get("gflops").isNull()).isTrue();
        assertThat(m.get("samples_per_second").asDouble()).isPositive();
        Cli.Result text = Cli.run("bench", spec.toString(), "--steps", "2", "--warmup", "1", "--threads", "1");
        assertThat(text.out()).contains("GFLOP/s unknown", "note:    GFLOP/s is not reported");
    }

    @Test
    void aMissingSpecIsAOneLineError(@TempDir Path dir) {
        Cli.Result r = Cli.run("bench", dir.resolve("nope.yaml").toString(), "--steps", "1");
        assertThat(r.code()).isEqualTo(7);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("nope.yaml: spec file not found");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aBadSpecIsAOneLineSpecError(@TempDir Path dir) throws Exception {
        Path spec = dir.resolve("bad.yaml");
        Files.writeString(spec, Files.readString(tinySpec(dir)).replace("id: mlp,", "id: mlpp,"));
        Cli.Result r = Cli.run("bench", spec.toString(), "--steps", "1");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("mlpp");
    }

    @Test
    void moreStepsThanAnEpochHoldsIsAUsageError(@TempDir Path dir) throws Exception {
        Path spec = tinySpec(dir);
        Cli.Result r = Cli.run("bench", spec.toString(), "--batch", "1000", "--steps", "5", "--threads", "1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("--steps 5 is more than an epoch of this workload can time", "give --steps 3 or less");
    }
}
