package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.GradlabException;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.LayerMetrics;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.RunResult;
import io.gradlab.engine.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The convolution plugin trained by the engine on the embedded FashionMNIST subset, read as 1x28x28
 * images: a small CNN and a small ResNet learn, every convolution gets its own row of diagnostics,
 * and impossible shapes are one-line spec errors before any run folder exists.
 */
class ConvTrainingTest {
    private static final Path EXAMPLES = Path.of("..", "examples", "resnet");
    private static ComponentRegistry registry;

    @TempDir
    Path out;

    @BeforeAll
    static void loadRegistry() {
        registry = new PluginHost(new PluginHostConfig(null, true)).load();
    }

    private static ExperimentSpec example(String file, String... overrides) {
        return SpecLoader.load(EXAMPLES.resolve(file), List.of(overrides));
    }

    private RunResult run(ExperimentSpec spec, long steps) {
        return ExperimentRunner.withDefaultKernels(registry).run(spec, RunOptions.writingTo(out).withMaxSteps(steps), TrainingListener.NONE);
    }

    private long runFolders() throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(Files::isDirectory).count();
        }
    }

    @Test
    void aSmallCnnLearnsFashionMnistImages() {
        RunResult result = run(example("cnn.yaml", "model.architecture.channels=[8]", "model.architecture.hidden=[32]", "training.epochs=1"), 40);
        assertThat(result.last().testAccuracy()).as("10 classes: chance is 0.10").isGreaterThan(0.5);
        assertThat(result.last().layers()).extracting(LayerMetrics::name).startsWith("conv1");
        // the spec's dead-channels diagnostic writes its figure on the ReLU after the convolution
        assertThat(result.last().layers()).filteredOn(l -> l.extra().containsKey("dead_channel_fraction"))
                .singleElement().satisfies(l -> assertThat((Double) l.extra().get("dead_channel_fraction")).isBetween(0.0, 1.0));
    }

    @Test
    void aSmallResnetTrainsAndReportsEveryConvolution() {
        RunResult result = run(example("resnet20.yaml", "data.source.subset=embedded", "model.architecture.depth=8",
                "model.architecture.width=4", "model.architecture.init={id: he-normal}", "training.epochs=1", "training.batch-size=32",
                "training.optimizer={id: adam, lr: 0.01}"), 40);
        assertThat(result.last().trainAccuracy()).as("10 classes: chance is 0.10").isGreaterThan(0.3);
        List<String> names = result.last().layers().stream().map(LayerMetrics::name).toList();
        // stem, 3 stages x 1 block x 2 convolutions, 2 projections, the head
        assertThat(names).containsExactly("stem", "stage1-block1-conv1", "stage1-block1-conv2", "stage2-block1-conv1", "stage2-block1-conv2",
                "stage2-block1-shortcut", "stage3-block1-conv1", "stage3-block1-conv2", "stage3-block1-shortcut", "output");
        assertThat(result.last().layers()).allSatisfy(l -> assertThat(l.gradNorm()).isPositive().isFinite());
    }

    @Test
    void aResnetWithoutBatchNormTrainsWithBiasedConvolutions() {
        RunResult result = run(example("resnet20.yaml", "data.source.subset=embedded", "model.architecture.depth=8",
                "model.architecture.width=4", "model.architecture.batch-norm=false", "training.epochs=1", "training.batch-size=32",
                "training.optimizer={id: adam, lr: 0.01}"), 40);
        assertThat(result.last().trainLoss()).as("ln 10 = 2.303 is the loss of a uniform guess").isLessThan(2.25);
        // the same weighted layers as with batch norm, and no normalizer between them
        assertThat(result.last().layers()).extracting(LayerMetrics::name).startsWith("stem", "stage1-block1-conv1")
                .noneMatch(n -> n.contains("bn")).hasSize(10);
    }

    @Test
    void aKernelLargerThanItsPaddedInputIsOneLineBeforeTraining() throws IOException {
        ExperimentSpec spec = example("cnn.yaml", "model.architecture.channels=[4, 4, 4, 4, 4]");
        assertThatThrownBy(() -> run(spec, 1))
                .isInstanceOf(GradlabException.class)
                .satisfies(e -> assertThat(((GradlabException) e).category()).isEqualTo(GradlabException.Category.SPEC))
                .hasMessageContaining("layer 'pool5' (max-pool2d)")
                .hasMessageContaining("does not fit its input 4x1x1")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(runFolders()).isZero();
    }

    @Test
    void aResnetDepthNotOfTheForm6nPlus2AndNonImageDataAreSpecErrors() throws IOException {
        assertThatThrownBy(() -> run(example("resnet20.yaml", "model.architecture.depth=21"), 1))
                .isInstanceOf(GradlabException.class).hasMessageContaining("depth 21 is not of the form 6n + 2");
        assertThatThrownBy(() -> run(example("resnet20.yaml", "data.source={id: fashion-mnist, subset: embedded, time-steps: 28}"), 1))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("architecture 'resnet' needs image data of shape [channels, height, width]")
                .hasMessageContaining("[784]");
        assertThat(runFolders()).isZero();
    }
}
