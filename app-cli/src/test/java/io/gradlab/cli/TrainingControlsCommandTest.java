package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradlab.engine.run.Json;
import io.gradlab.engine.run.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schedules and callbacks through the command line: listed by gradlab plugins, set with --set, reported by gradlab run. */
class TrainingControlsCommandTest {
    @Test
    void gradlabPluginsListsTheSchedulesAndCallbacks() {
        Cli.Result schedules = Cli.run("plugins", "--kind", "lr-schedule");
        assertThat(schedules.code()).as(schedules.err()).isZero();
        assertThat(schedules.out()).contains("lr-schedules (3)").contains("step").contains("cosine").contains("linear-warmup");
        Cli.Result callbacks = Cli.run("plugins", "--kind", "callback");
        assertThat(callbacks.code()).as(callbacks.err()).isZero();
        assertThat(callbacks.out()).contains("callbacks (2)").contains("early-stopping").contains("keep-best").contains("patience");
    }

    @Test
    void aRunWithEarlyStoppingSaysWhyItStoppedAndWhereTheBestWeightsAre(@TempDir Path dir) throws Exception {
        Path spec = TinyCsv.spec(dir.resolve("spec"), 60);
        Path out = dir.resolve("runs");
        Cli.Result r = Cli.run("run", spec.toString(), "--out", out.toString(), "--set", "data.validation=40",
                "--set", "training.callbacks=[{id: early-stopping, patience: 2, min-delta: 0.01}, {id: keep-best, monitor: val-accuracy}]",
                "--set", "training.lr-schedule=[{id: step, every: 5, gamma: 0.5}]");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("early stopping: val-loss has not improved for 2 epoch(s)").contains("weights in best.safetensors");
        Path run;
        try (Stream<Path> s = Files.list(out)) {
            run = s.findFirst().orElseThrow();
        }
        JsonNode summary = Json.mapper().readTree(run.resolve(RunFolder.SUMMARY).toFile());
        assertThat(summary.get("status").asText()).isEqualTo("completed");
        assertThat(summary.get("epochs_completed").asInt()).isLessThan(60).isEqualTo(summary.get("stopped_early").get("epoch").asInt());
        assertThat(summary.get("best").has("val_accuracy")).isTrue();
        assertThat(run.resolve("best.safetensors")).isRegularFile();
        String resolved = Files.readString(run.resolve(RunFolder.SPEC));
        assertThat(resolved).contains("lr-schedule:").contains("gamma: 0.5").contains("early-stopping").contains("min-delta: 0.01");
        List<String> lines = Files.readAllLines(run.resolve(RunFolder.METRICS));
        JsonNode first = Json.mapper().readTree(lines.get(0));
        assertThat(first.get("lr").asDouble()).isEqualTo(0.1);
        if (lines.size() >= 6) {
            assertThat(Json.mapper().readTree(lines.get(5)).get("lr").asDouble()).isEqualTo(0.05);
        }
    }

    @Test
    void theExampleWarmsUpDecaysStopsEarlyAndKeepsItsBestEpoch(@TempDir Path out) throws Exception {
        Path spec = Path.of("..", "examples", "training", "warmup-cosine-early-stopping.yaml");
        Cli.Result r = Cli.run("run", spec.toString(), "--out", out.toString(), "-q", "--set", "training.callbacks.0.patience=1");
        assertThat(r.code()).as(r.err()).isZero();
        Path run;
        try (Stream<Path> s = Files.list(out)) {
            run = s.findFirst().orElseThrow();
        }
        JsonNode summary = Json.mapper().readTree(run.resolve(RunFolder.SUMMARY).toFile());
        assertThat(summary.get("status").asText()).isEqualTo("completed");
        int stopped = summary.get("stopped_early").get("epoch").asInt();
        assertThat(stopped).isLessThan(40);
        assertThat(summary.get("best").get("epoch").asInt()).isEqualTo(stopped - 1);
        List<String> lines = Files.readAllLines(run.resolve(RunFolder.METRICS));
        double warm = Json.mapper().readTree(lines.get(0)).get("lr").asDouble();
        assertThat(warm).as("the rate at the end of the warm-up epoch is the configured one").isCloseTo(0.05, org.assertj.core.data.Offset.offset(1e-12));
        if (lines.size() > 2) {
            assertThat(Json.mapper().readTree(lines.get(lines.size() - 1)).get("lr").asDouble()).isLessThan(warm);
        }
    }

    @Test
    void earlyStoppingWithoutAValidationSetIsOneLineAndNoRunFolder(@TempDir Path dir) {
        Path spec = TinyCsv.spec(dir.resolve("spec"), 3);
        Path out = dir.resolve("runs");
        Cli.Result r = Cli.run("run", spec.toString(), "--out", out.toString(), "--set", "training.callbacks=[early-stopping]");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().get(0)).contains("watches val-loss").contains("data.validation");
        assertThat(out).doesNotExist();
    }
}
