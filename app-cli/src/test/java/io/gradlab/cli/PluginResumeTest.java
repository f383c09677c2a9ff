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
                        List.of("layers.1.weight", "layers.1.bias", "layers.1.running_mean", "layers.1.running_var", "optimizer.state.0")),
                Arguments.of("layer-wise, alternate freezing",
                        "training.strategy={id: layerwise, blocks: [1, 1, 1], freeze: alternate, width: 10, activation: tanh}",
                        "training.epochs=6", List.of("layers.4.weight", "layers.6.weight")));
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
