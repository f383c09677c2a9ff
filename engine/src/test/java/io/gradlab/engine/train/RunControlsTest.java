package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradlab.api.GradlabException;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.run.Checkpoint;
import io.gradlab.engine.run.Json;
import io.gradlab.engine.run.RunFolder;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.weights.ModelTensors;
import io.gradlab.engine.weights.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Learning-rate schedules, early stopping and the best weights through whole runs, and through a kill and resume. */
class RunControlsTest {
    private static final String CONTROLS = """
              lr-schedule: [{id: linear-warmup, epochs: 1}, {id: cosine, min-factor: 0.1}]
              callbacks: [{id: early-stopping, patience: 2, min-delta: 0.02}, {id: keep-best}]
            """;

    private static ComponentRegistry registry;

    @BeforeAll
    static void loadRegistry() {
        registry = new PluginHost(new PluginHostConfig(null, true)).load();
    }

    /** Stands for a kill: an Error, which the runner does not catch, so no summary is written. */
    private static final class Killed extends Error {
        private static final long serialVersionUID = 1L;
    }

    private static TrainingListener killAt(int epoch, int step) {
        return new TrainingListener() {
            @Override
            public void onStep(int e, int s, int steps, double loss, double accuracy, double samplesPerSecond) {
                if (e == epoch && s == step) {
                    throw new Killed();
                }
            }
        };
    }

    private static Path run(Path specFile, Path out, TrainingListener listener) throws Exception {
        var spec = SpecLoader.load(specFile, List.of());
        try {
            return ExperimentRunner.withDefaultKernels(registry).run(spec, RunOptions.writingTo(out), listener).runDir();
        } catch (Killed e) {
            try (var runs = Files.list(out)) {
                return runs.findFirst().orElseThrow();
            }
        }
    }

    private static List<JsonNode> metrics(Path run) throws Exception {
        return Files.readAllLines(run.resolve(RunFolder.METRICS)).stream().map(l -> {
            try {
                return Json.mapper().readTree(l);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    @Test
    void earlyStoppingEndsTheRunAndKeepsTheBestEpochsWeights(@TempDir Path dir) throws Exception {
        Path run = run(TinyRuns.writeSpec(dir.resolve("spec"), 40, CONTROLS), dir.resolve("out"), TrainingListener.NONE);
        JsonNode summary = Json.mapper().readTree(run.resolve(RunFolder.SUMMARY).toFile());
        List<JsonNode> epochs = metrics(run);

        assertThat(summary.get("status").asText()).isEqualTo("completed");
        int stopped = summary.get("stopped_early").get("epoch").asInt();
        assertThat(stopped).isLessThan(40).isEqualTo(epochs.size());
        assertThat(summary.get("stopped_early").get("reason").asText()).contains("val-loss").contains("2 epoch(s)");
        // the best epoch is the one with the least validation loss, and the last two did not beat it by 0.02
        int best = summary.get("best").get("epoch").asInt();
        double bestLoss = epochs.stream().mapToDouble(m -> m.get("val_loss").asDouble()).min().orElseThrow();
        assertThat(epochs.get(best - 1).get("val_loss").asDouble()).isEqualTo(bestLoss);
        assertThat(summary.get("best").get("val_loss").asDouble()).isEqualTo(bestLoss);
        assertThat(summary.get("best").get("file").asText()).isEqualTo(RunControls.BEST_FILE);
        SafeTensors.Contents bestFile = SafeTensors.read(run.resolve(RunControls.BEST_FILE));
        assertThat(bestFile.metadata()).containsEntry("epoch", Integer.toString(best));
        assertThat(bestFile.entries().keySet()).contains("layers.0.weight");
        // model.weights takes the best weights back, as it takes an export
        ExperimentRunner runner = ExperimentRunner.withDefaultKernels(registry);
        var again = runner.resolve(SpecLoader.load(dir.resolve("spec").resolve("tiny.yaml"),
                List.of("model.weights=" + run.resolve(RunControls.BEST_FILE).toAbsolutePath())));
        var model = runner.prepare(again, RunOptions.writingTo(dir.resolve("unused"))).parts().model();
        assertThat(ModelTensors.tensors(model).get("layers.0.weight").floats())
                .isEqualTo(bestFile.tensor("layers.0.weight").floats());
        if (best < stopped) {
            assertThat(Checkpoint.read(run).orElseThrow().model().get("layers.0.weight").floats())
                    .isNotEqualTo(bestFile.tensor("layers.0.weight").floats());
        }
    }

    @Test
    void theScheduleSetsTheRateOfEveryStepAsWarmUpTimesCosine(@TempDir Path dir) throws Exception {
        int epochs = 6;
        Path run = run(TinyRuns.writeSpec(dir.resolve("spec"), epochs,
                "  lr-schedule: [{id: linear-warmup, epochs: 2}, {id: cosine, min-factor: 0.1}]\n"), dir.resolve("out"), TrainingListener.NONE);
        List<JsonNode> lines = metrics(run);
        int stepsPerEpoch = (240 - 30 + 31) / 32; // 210 training samples (30 held out) in batches of 32
        long total = (long) stepsPerEpoch * epochs;
        for (JsonNode m : lines) {
            long last = (long) m.get("epoch").asInt() * stepsPerEpoch - 1; // the last step of the epoch, from 0
            double warm = Math.min(1, (last + 1) / (2.0 * stepsPerEpoch));
            double cosine = 0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * last / total));
            assertThat(m.get("lr").asDouble()).as("epoch %s", m.get("epoch")).isCloseTo(0.05 * warm * cosine, org.assertj.core.data.Offset.offset(1e-12));
        }
        assertThat(lines.get(0).get("lr").asDouble()).isLessThan(lines.get(1).get("lr").asDouble());
        assertThat(lines.get(epochs - 1).get("lr").asDouble()).isLessThan(lines.get(2).get("lr").asDouble());
    }

    @Test
    void aRunWithSchedulesAndCallbacksResumesBitIdentically(@TempDir Path dir) throws Exception {
        Path spec = TinyRuns.writeSpec(dir.resolve("spec"), 40, CONTROLS);
        Path full = run(spec, dir.resolve("a"), TrainingListener.NONE);
        int stopped = Json.mapper().readTree(full.resolve(RunFolder.SUMMARY).toFile()).get("stopped_early").get("epoch").asInt();
        assertThat(stopped).as("the kill must come before the stop").isGreaterThan(3);
        Path cut = run(spec, dir.resolve("b"), killAt(3, 2));
        assertThat(cut.resolve(RunFolder.SUMMARY)).doesNotExist();
        assertThat(Checkpoint.read(cut).orElseThrow().controls()).containsKeys("callback.0", "callback.1");

        RunResult result = ExperimentRunner.withDefaultKernels(registry).resume(cut, TrainingListener.NONE);

        assertThat(result.status()).isEqualTo("completed");
        assertThat(TinyRuns.metricsWithoutTiming(cut)).isEqualTo(TinyRuns.metricsWithoutTiming(full));
        assertThat(TinyRuns.summaryWithoutTiming(cut)).isEqualTo(TinyRuns.summaryWithoutTiming(full));
        assertThat(TinyRuns.checkpointBits(cut)).isEqualTo(TinyRuns.checkpointBits(full));
        assertThat(SafeTensors.read(cut.resolve(RunFolder.CHECKPOINT)).metadata())
                .isEqualTo(SafeTensors.read(full.resolve(RunFolder.CHECKPOINT)).metadata());
        assertThat(Files.readAllBytes(cut.resolve(RunControls.BEST_FILE))).isEqualTo(Files.readAllBytes(full.resolve(RunControls.BEST_FILE)));
    }

    @Test
    void aRunKilledAfterItsEarlyStopWasCheckpointedResumesToTheSameEnd(@TempDir Path dir) throws Exception {
        Path spec = TinyRuns.writeSpec(dir.resolve("spec"), 40, CONTROLS);
        Path full = run(spec, dir.resolve("a"), TrainingListener.NONE);
        int stopped = Json.mapper().readTree(full.resolve(RunFolder.SUMMARY).toFile()).get("stopped_early").get("epoch").asInt();
        Path cut = run(spec, dir.resolve("b"), new TrainingListener() {
            @Override
            public void onEpoch(EpochMetrics m) {
                if (m.epoch() == stopped) {
                    throw new Killed(); // after the epoch's checkpoint, before the run ends
                }
            }
        });
        assertThat(cut.resolve(RunFolder.SUMMARY)).doesNotExist();
        assertThat(Checkpoint.read(cut).orElseThrow().controls()).containsKey("stopped");

        ExperimentRunner.withDefaultKernels(registry).resume(cut, TrainingListener.NONE);

        assertThat(TinyRuns.metricsWithoutTiming(cut)).isEqualTo(TinyRuns.metricsWithoutTiming(full));
        assertThat(TinyRuns.summaryWithoutTiming(cut)).isEqualTo(TinyRuns.summaryWithoutTiming(full));
    }

    @Test
    void watchingTheValidationLossWithoutAValidationSetIsASpecErrorBeforeAnyFolder(@TempDir Path dir) throws Exception {
        Path spec = TinyRuns.writeSpec(dir.resolve("spec"), 3, "  callbacks: [{id: early-stopping}]\n");
        Files.writeString(spec, Files.readString(spec).replace("  validation: 30\n", ""));
        Path out = dir.resolve("out");
        assertThatThrownBy(() -> run(spec, out, TrainingListener.NONE))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("training.callbacks[0] (early-stopping) watches val-loss")
                .hasMessageContaining("data.validation")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(out).doesNotExist();
    }
}
