package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabException;
import io.gradlab.api.train.TrainingControl;
import io.gradlab.api.train.TrainingStrategy;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.registry.PluginSource;
import io.gradlab.engine.registry.RegisteredComponent;
import io.gradlab.engine.run.Checkpoint;
import io.gradlab.engine.run.MetricsLog;
import io.gradlab.engine.run.RunFolder;
import io.gradlab.engine.run.RunFolders;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.weights.SafeTensors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeTest {
    private static ComponentRegistry registry;

    @BeforeAll
    static void loadRegistry() {
        ComponentRegistry base = new PluginHost(new PluginHostConfig(null, true)).load();
        List<RegisteredComponent> components = new ArrayList<>(base.components());
        PluginSource tests = new PluginSource("resume-tests", null, null);
        components.add(new RegisteredComponent(ComponentFactory.of(ComponentKind.TRAINING_STRATEGY, "staged", "two stages, cannot resume", List.of(),
                p -> new Staged(false)), tests));
        components.add(new RegisteredComponent(ComponentFactory.of(ComponentKind.TRAINING_STRATEGY, "staged-resumable",
                "two stages, resumable", List.of(),
                p -> new Staged(true)), tests));
        registry = ComponentRegistry.of(components);
    }

    /** Trains two epochs, freezes the first layer, re-binds the model and trains the rest: replay must reach the same state. */
    private record Staged(boolean resumable) implements TrainingStrategy {
        @Override
        public void run(TrainingControl control) {
            control.trainEpoch("all");
            control.trainEpoch("all");
            control.model().children().get(0).parameters().forEach(p -> p.setTrainable(false));
            control.setModel(control.model());
            control.record(Map.of("stage_switch", 1));
            for (int e = 2; e < control.epochs(); e++) {
                control.trainEpoch("top");
            }
        }
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

    private static ExperimentRunner runner() {
        return ExperimentRunner.withDefaultKernels(registry);
    }

    private static Path run(Path specFile, Path out, TrainingListener listener, String... overrides) throws Exception {
        var spec = SpecLoader.load(specFile, List.of(overrides));
        try {
            return runner().run(spec, RunOptions.writingTo(out), listener).runDir();
        } catch (Killed e) {
            try (var runs = Files.list(out)) {
                return runs.findFirst().orElseThrow();
            }
        }
    }

    private static void assertSameRun(Path resumed, Path uninterrupted) throws Exception {
        assertThat(TinyRuns.metricsWithoutTiming(resumed)).isEqualTo(TinyRuns.metricsWithoutTiming(uninterrupted));
        assertThat(TinyRuns.summaryWithoutTiming(resumed)).isEqualTo(TinyRuns.summaryWithoutTiming(uninterrupted));
        assertThat(TinyRuns.checkpointBits(resumed)).isEqualTo(TinyRuns.checkpointBits(uninterrupted));
        assertThat(SafeTensors.read(resumed.resolve(RunFolder.CHECKPOINT)).metadata())
                .isEqualTo(SafeTensors.read(uninterrupted.resolve(RunFolder.CHECKPOINT)).metadata());
        assertThat(Files.readString(resumed.resolve(RunFolder.SPEC))).isEqualTo(Files.readString(uninterrupted.resolve(RunFolder.SPEC)));
    }

    @Test
    void aRunInterruptedMidEpochResumesToBitIdenticalMetricsAndWeights(@TempDir Path dir) throws Exception {
        Path spec = TinyRuns.writeSpec(dir.resolve("spec"), 5, "");
        Path full = run(spec, dir.resolve("a"), TrainingListener.NONE);
        Path cut = run(spec, dir.resolve("b"), killAt(3, 2));
        assertThat(cut.resolve(RunFolder.SUMMARY)).doesNotExist();
        assertThat(Checkpoint.read(cut).orElseThrow().epoch()).isEqualTo(2);
        assertThat(Files.readAllLines(cut.resolve(RunFolder.METRICS))).hasSize(2);
        assertThat(RunFolders.isResumable(cut)).isTrue();

        RunResult result = runner().resume(cut, TrainingListener.NONE);

        assertThat(result.status()).isEqualTo("completed");
        assertThat(result.history()).hasSize(5);
        assertThat(RunFolders.isComplete(cut)).isTrue();
        assertSameRun(cut, full);
    }

    @Test
    void aTornLineAndLinesAfterTheCheckpointAreDroppedBeforeResuming(@TempDir Path dir) throws Exception {
        Path spec = TinyRuns.writeSpec(dir.resolve("spec"), 4, "");
        Path full = run(spec, dir.resolve("a"), TrainingListener.NONE);
        Path cut = run(spec, dir.resolve("b"), killAt(3, 3));
        // the line of epoch 3 was written, then the process died before the checkpoint, in the middle of another line
        String third = Files.readAllLines(full.resolve(RunFolder.METRICS)).get(2);
        Files.writeString(cut.resolve(RunFolder.METRICS), third + "\n{\"epoch\":4,\"train_lo", StandardOpenOption.APPEND);

        MetricsLog.Recovered recovered = MetricsLog.recover(cut, 2);
        assertThat(recovered.rewritten()).isTrue();
        assertThat(recovered.history()).extracting(EpochMetrics::epoch).containsExactly(1, 2);
        assertThat(Files.readString(cut.resolve(RunFolder.METRICS))).endsWith("\n").doesNotContain("train_lo\"");

        Files.writeString(cut.resolve(RunFolder.METRICS), "{\"epoch\":3,\"tr", StandardOpenOption.APPEND);
        runner().resume(cut, TrainingListener.NONE);
        assertSameRun(cut, full);
    }

    @Test
    void aRunKilledBeforeItsFirstCheckpointStartsAgainInItsFolder(@TempDir Path dir) throws Exception {
        Path spec = TinyRuns.writeSpec(dir.resolve("spec"), 3, "");
        Path full = run(spec, dir.resolve("a"), TrainingListener.NONE);
        Path cut = run(spec, dir.resolve("b"), killAt(1, 4));
        assertThat(cut.resolve(RunFolder.CHECKPOINT)).doesNotExist();
        runner().resume(cut, TrainingListener.NONE);
        assertSameRun(cut, full);
    }

    @Test
    void aStagedStrategyThatDeclaresItselfResumableIsReplayedToTheSameState(@TempDir Path dir) throws Exception {
        Path spec = TinyRuns.writeSpec(dir.resolve("spec"), 5, "");
        Path full = run(spec, dir.resolve("a"), TrainingListener.NONE, "training.strategy=staged-resumable");
        Path cut = run(spec, dir.resolve("b"), killAt(4, 1), "training.strategy=staged-resumable");
        assertThat(Checkpoint.read(cut).orElseThrow().epoch()).isEqualTo(3);
        runner().resume(cut, TrainingListener.NONE);
        assertSameRun(cut, full);
        assertThat(Files.readAllLines(cut.resolve(RunFolder.METRICS)).get(2)).contains("\"stage\":\"top\"").contains("stage_switch");
    }

    @Test
    void aStrategyThatCannotResumeIsRefusedAndTheFolderIsLeftAlone(@TempDir Path dir) throws Exception {
        Path spec = TinyRuns.writeSpec(dir.resolve("spec"), 4, "");
        Path cut = run(spec, dir.resolve("b"), killAt(3, 1), "training.strategy=staged");
        Files.writeString(cut.resolve(RunFolder.METRICS), "{\"epoch\":3", StandardOpenOption.APPEND);
        byte[] metrics = Files.readAllBytes(cut.resolve(RunFolder.METRICS));
        assertThatThrownBy(() -> runner().resume(cut, TrainingListener.NONE))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("strategy 'staged'")
                .hasMessageContaining("cannot resume");
        assertThat(Files.readAllBytes(cut.resolve(RunFolder.METRICS))).isEqualTo(metrics);
    }

    @Test
    void finishedRunsAndChangedSpecsAreRefused(@TempDir Path dir) throws Exception {
        Path spec = TinyRuns.writeSpec(dir.resolve("spec"), 3, "");
        Path full = run(spec, dir.resolve("a"), TrainingListener.NONE);
        assertThatThrownBy(() -> runner().resume(full, TrainingListener.NONE))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("already complete");

        Path cut = run(spec, dir.resolve("b"), killAt(2, 1));
        Path resolved = cut.resolve(RunFolder.SPEC);
        Files.writeString(resolved, Files.readString(resolved).replace("seed: 11", "seed: 12"));
        assertThatThrownBy(() -> runner().resume(cut, TrainingListener.NONE))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("was changed after the checkpoint of epoch 1");

        assertThatThrownBy(() -> runner().resume(dir.resolve("spec"), TrainingListener.NONE))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("is not a run folder");
    }

    @Test
    void aFolderInUseIsNotResumedTwice(@TempDir Path dir) throws Exception {
        Path spec = TinyRuns.writeSpec(dir.resolve("spec"), 3, "");
        Path cut = run(spec, dir.resolve("b"), killAt(2, 1));
        try (RunFolder busy = RunFolder.open(cut)) {
            busy.lock();
            assertThatThrownBy(() -> runner().resume(cut, TrainingListener.NONE))
                    .isInstanceOf(GradlabException.class)
                    .hasMessageContaining("in use by another gradlab process");
        }
    }

    @Test
    void theCheckpointHoldsTheModelTheOptimizerStateAndTheCounters(@TempDir Path dir) throws Exception {
        Path spec = TinyRuns.writeSpec(dir.resolve("spec"), 2, "");
        Path run = run(spec, dir.resolve("a"), TrainingListener.NONE);
        SafeTensors.Contents c = SafeTensors.read(run.resolve(RunFolder.CHECKPOINT));
        assertThat(c.entries().keySet()).containsExactly("layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias",
                "layers.4.weight", "layers.4.bias", "optimizer.state.0", "optimizer.state.1", "optimizer.state.2",
                "optimizer.state.3", "optimizer.state.4", "optimizer.state.5");
        assertThat(c.entries().get("layers.0.weight").shape()).containsExactly(16, 6);
        // 210 training samples (30 held out) in batches of 32: 7 steps per epoch
        assertThat(c.metadata()).containsEntry("epoch", "2").containsEntry("step", "14").containsEntry("optimizer_steps", "14")
                .containsEntry("format", "gradlab-checkpoint");
        assertThat(run.getParent().toFile().list()).containsExactly(run.getFileName().toString());
        assertThat(run.toFile().list()).containsExactlyInAnyOrder(RunFolder.SPEC, RunFolder.RUN_INFO, RunFolder.METRICS,
                RunFolder.CHECKPOINT, RunFolder.SUMMARY);
        assertThat(Files.readString(run.resolve(RunFolder.RUN_INFO), StandardCharsets.UTF_8)).contains(dir.resolve("spec").toString());
    }

    @Test
    void checkpointsCanBeTurnedOff(@TempDir Path dir) throws Exception {
        Path spec = TinyRuns.writeSpec(dir.resolve("spec"), 2, "");
        Path run = run(spec, dir.resolve("a"), TrainingListener.NONE, "training.checkpoint=false");
        assertThat(run.resolve(RunFolder.CHECKPOINT)).doesNotExist();
        assertThat(Files.readAllLines(run.resolve(RunFolder.METRICS))).hasSize(2);
    }

    @Test
    void aRunKilledAfterItsLastCheckpointOnlyWritesItsSummary(@TempDir Path dir) throws Exception {
        Path spec = TinyRuns.writeSpec(dir.resolve("spec"), 2, "");
        Path full = run(spec, dir.resolve("a"), TrainingListener.NONE);
        Path copy = Files.createDirectories(dir.resolve("b").resolve(full.getFileName()));
        for (String f : List.of(RunFolder.SPEC, RunFolder.RUN_INFO, RunFolder.METRICS, RunFolder.CHECKPOINT)) {
            Files.copy(full.resolve(f), copy.resolve(f));
        }
        RunResult result = runner().resume(copy, TrainingListener.NONE);
        assertThat(result.history()).hasSize(2);
        assertSameRun(copy, full);
    }
}
