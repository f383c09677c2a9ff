package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.run.RunFolder;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.TrainingListener;
import io.gradlab.engine.weights.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/** Resuming runs that use the remedies plugin: batch norm's running statistics, Adam's moments, layer-wise stages. */
class PluginResumeTest {
    private static ComponentRegistry registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        registry = new PluginHost(PluginHostConfig.classpathOnly()).load();
    }

    private static final class Killed extends Error {
        private static final long serialVersionUID = 1L;
    }

    static Stream<Arguments> specs() {
        return Stream.of(
                Arguments.of("batch norm and adam", "model.architecture.normalizer=batch-norm", "training.optimizer={id: adam, lr: 0.01}",
                        List.of("layers.1.weight", "layers.1.bias", "layers.1.running_mean", "layers.1.running_var", "layers.1.num_batches_tracked",
                                "optimizer.state.0")),
                Arguments.of("layer-wise, alternate freezing",
                        "training.strategy={id: layerwise, blocks: [1, 1, 1], freeze: alternate, width: 10, activation: tanh}",
                        "training.epochs=6", List.of("layers.4.weight", "layers.6.weight")));
    }

    /** The first run folder in {@code parent}. */
    private static Path first(Path parent) throws Exception {
        try (Stream<Path> runs = Files.list(parent)) {
            return runs.findFirst().orElseThrow();
        }
    }

    /** A run of 4 epochs killed in epoch 4, after the checkpoint of epoch 3, and the same run not killed. */
    private Path[] fullAndCut(String... sets) throws Exception {
        Path spec = TinyCsv.spec(dir.resolve("spec"), 4);
        var parsed = SpecLoader.load(spec, List.of(sets));
        ExperimentRunner runner = ExperimentRunner.withDefaultKernels(registry);
        Path full = runner.run(parsed, RunOptions.writingTo(dir.resolve("full")), TrainingListener.NONE).runDir();
        try {
            runner.run(parsed, RunOptions.writingTo(dir.resolve("cut")), new TrainingListener() {
                @Override
                public void onStep(int epoch, int step, int steps, double loss, double accuracy, double samplesPerSecond) {
                    if (epoch == 4 && step == 3) {
                        throw new Killed();
                    }
                }
            });
        } catch (Killed expected) {
            // epochs 1 to 3 and their checkpoint are kept
        }
        return new Path[] {full, first(dir.resolve("cut"))};
    }

    /**
     * Batch norm counts its training batches ({@code num_batches_tracked}, one per step); a checkpoint written before it
     * did restores the counter as 0, and the run still resumes to the same figures (the counter changes no result).
     */
    @org.junit.jupiter.api.Test
    void batchNormCountsItsTrainingBatchesAndACheckpointWithoutTheCounterStillResumes() throws Exception {
        Path[] runs = fullAndCut("model.architecture.normalizer=batch-norm", "training.optimizer={id: adam, lr: 0.01}");
        Path full = runs[0];
        Path cut = runs[1];
        SafeTensors.Contents complete = SafeTensors.read(full.resolve(RunFolder.CHECKPOINT));
        long steps = Long.parseLong(complete.metadata().get("step"));
        assertThat(steps).isEqualTo(4 * (240 / 32 + 1)); // 4 epochs of 8 batches (the last one partial)
        assertThat(complete.count("layers.1.num_batches_tracked")).isEqualTo(steps);
        assertThat(complete.count("layers.4.num_batches_tracked")).isEqualTo(steps);

        // the checkpoint of epoch 3 as a gradlab without the counter wrote it
        Path checkpoint = cut.resolve(RunFolder.CHECKPOINT);
        SafeTensors.Contents saved = SafeTensors.read(checkpoint);
        assertThat(saved.count("layers.1.num_batches_tracked")).isEqualTo(3 * 8);
        java.util.Map<String, io.gradlab.api.tensor.Tensor> old = new java.util.LinkedHashMap<>();
        for (String name : saved.entries().keySet()) {
            if (!name.endsWith("num_batches_tracked")) {
                old.put(name, saved.tensor(name));
            }
        }
        SafeTensors.write(checkpoint, saved.metadata(), old);

        Cli.Result r = Cli.run("run", "--resume", cut.toString(), "-q");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(metrics(cut)).isEqualTo(metrics(full));
        SafeTensors.Contents resumed = SafeTensors.read(checkpoint);
        // counted from 0 at the checkpoint: the 8 batches of epoch 4
        assertThat(resumed.count("layers.1.num_batches_tracked")).isEqualTo(8);
        for (String name : complete.entries().keySet()) {
            if (!name.endsWith("num_batches_tracked")) {
                assertThat(resumed.tensor(name).toDoubleArray()).as(name).containsExactly(complete.tensor(name).toDoubleArray());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void anInterruptedRunResumesBitIdentically(String what, String set1, String set2, List<String> tensors) throws Exception {
        Path spec = TinyCsv.spec(dir.resolve("spec"), 4);
        var parsed = SpecLoader.load(spec, List.of(set1, set2));
        ExperimentRunner runner = ExperimentRunner.withDefaultKernels(registry);
        Path full = runner.run(parsed, RunOptions.writingTo(dir.resolve("full")), TrainingListener.NONE).runDir();
        try {
            runner.run(parsed, RunOptions.writingTo(dir.resolve("cut")), new TrainingListener() {
                @Override
                public void onStep(int epoch, int step, int steps, double loss, double accuracy, double samplesPerSecond) {
                    if (epoch == 4 && step == 3) {
                        throw new Killed();
                    }
                }
            });
        } catch (Killed expected) {
            // epochs 1 to 3 and their checkpoint are kept
        }
        Path cut;
        try (Stream<Path> runs = Files.list(dir.resolve("cut"))) {
            cut = runs.findFirst().orElseThrow();
        }
        assertThat(SafeTensors.read(cut.resolve(RunFolder.CHECKPOINT)).metadata()).containsEntry("epoch", "3");

        Cli.Result r = Cli.run("run", "--resume", cut.toString(), "-q");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(metrics(cut)).isEqualTo(metrics(full));
        assertThat(Files.readAllBytes(cut.resolve(RunFolder.CHECKPOINT))).isEqualTo(Files.readAllBytes(full.resolve(RunFolder.CHECKPOINT)));
        assertThat(SafeTensors.read(cut.resolve(RunFolder.CHECKPOINT)).entries().keySet()).containsAll(tensors);
    }

    private static String metrics(Path run) throws Exception {
        return Files.readString(run.resolve(RunFolder.METRICS)).replaceAll("\"(seconds|samples_per_second)\":[^,}]+", "");
    }
}
