package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradlab.api.GradlabException;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.run.Json;
import io.gradlab.engine.run.RunFolder;
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
 * The recurrent plugin trained by the engine, with every plugin on the classpath: the gated cells
 * learn the adding problem where a vanilla RNN cannot, an exploding RNN is stopped with a clear
 * message and a complete run folder while clipping keeps it finite, and an LSTM reads FashionMNIST
 * row by row.
 */
class RecurrentTrainingTest {
    private static final Path EXAMPLES = Path.of("..", "examples", "rnn");
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

    private RunResult run(ExperimentSpec spec) {
        return ExperimentRunner.withDefaultKernels(registry).run(spec, RunOptions.writingTo(out), TrainingListener.NONE);
    }

    private Path onlyRunFolder() throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            List<Path> dirs = s.filter(Files::isDirectory).toList();
            assertThat(dirs).hasSize(1);
            return dirs.get(0);
        }
    }

    /** The adding problem at T = 30 (the T = 50 run is in the study, docs/recurrent.md), same budget for every cell. */
    @Test
    void lstmAndGruLearnTheAddingProblemAndAVanillaRnnDoesNotInTheSameBudget() {
        String[] budget = {"data.source={id: adding, steps: 30, train-size: 2000, test-size: 500}", "model.architecture.hidden=16",
                "training.batch-size=32", "training.optimizer={id: adam, lr: 0.01}", "training.epochs=10"};
        double lstm = run(example("lstm-adding.yaml", budget)).last().testLoss();
        double gru = run(example("gru-adding.yaml", budget)).last().testLoss();
        double rnn = run(example("rnn-adding.yaml", budget)).last().testLoss();
        assertThat(lstm).as("LSTM test MSE").isLessThan(0.01);
        assertThat(gru).as("GRU test MSE").isLessThan(0.01);
        assertThat(rnn).as("vanilla RNN test MSE (mean prediction: 0.167)").isGreaterThan(0.1);
    }

    @Test
    void aLinearRnnWithSpectralRadius1point5ExplodesAndStopsWithACompleteRunFolder() throws IOException {
        ExperimentSpec spec = example("linear-exploding.yaml", "data.source.train-size=2000", "training.epochs=1");
        assertThatThrownBy(() -> run(spec))
                .isInstanceOf(GradlabException.class)
                .satisfies(e -> assertThat(((GradlabException) e).category()).isEqualTo(GradlabException.Category.NUMERIC))
                .hasMessageContaining("non-finite value in a recurrent layer")
                .hasMessageContaining("recurrent layer 'rnn1'")
                // which non-finite value comes first depends on the CPU's matrix kernel: OpenBLAS's AVX-512 kernel turns the
                // overflowing state into NaN where its AVX2 kernel gives -Infinity (both explode: the point of the test)
                .hasMessageMatching("(?s).*became (NaN|-?Infinity) at time step \\d+ of 50 \\(0-based\\) in the forward pass.*")
                .hasMessageContaining("clip-norm")
                .hasMessageContaining("keeps everything written so far");
        Path dir = onlyRunFolder();
        JsonNode summary = Json.mapper().readTree(dir.resolve(RunFolder.SUMMARY).toFile());
        assertThat(summary.get("status").asText()).isEqualTo("stopped");
        assertThat(summary.get("error").asText()).contains("rnn1").contains("time step");
        assertThat(dir.resolve(RunFolder.SPEC)).isRegularFile();
    }

    @Test
    void withClipNormTheSameRnnTrainsWithAFiniteLoss() {
        RunResult result = run(example("linear-exploding-clip.yaml", "data.source.train-size=2000", "training.epochs=2"));
        assertThat(result.status()).isEqualTo("completed");
        assertThat(result.history()).hasSize(2).allSatisfy(m -> assertThat(m.trainLoss()).isFinite());
        assertThat(result.last().trainLoss()).isLessThan(result.history().get(0).trainLoss());
        // the curve shows the explosion that clipping contained: 1.5 per step back in time
        EpochMetrics first = result.history().get(0);
        double gain = (Double) first.layers().get(0).extra().get("grad_time_gain");
        assertThat(gain).isCloseTo(1.5, org.assertj.core.data.Offset.offset(0.05));
        assertThat(first.findings()).anyMatch(f -> f.code().equals("exploding-gradient-through-time"));
    }

    @Test
    void theVanillaTanhRnnStopsAtRadius1point5AndClippingCarriesItThrough() throws IOException {
        assertThatThrownBy(() -> run(example("vanilla-exploding.yaml", "training.epochs=1")))
                .isInstanceOf(GradlabException.class).hasMessageContaining("recurrent layer 'rnn1'");
        JsonNode summary = Json.mapper().readTree(onlyRunFolder().resolve(RunFolder.SUMMARY).toFile());
        assertThat(summary.get("status").asText()).isEqualTo("stopped");
        RunResult clipped = run(example("vanilla-exploding-clip.yaml", "training.epochs=1"));
        assertThat(clipped.status()).isEqualTo("completed");
        assertThat(clipped.last().trainLoss()).isFinite().isLessThan(1.0);
    }

    @Test
    void theGradientThroughTimeCurveLandsInTheMetrics() throws IOException {
        RunResult result = run(example("vanilla-vanishing.yaml", "data.source.train-size=1000", "training.epochs=1"));
        List<String> lines = Files.readAllLines(result.runDir().resolve(RunFolder.METRICS));
        JsonNode layer = Json.mapper().readTree(lines.get(0)).get("layers").get(0);
        assertThat(layer.get("name").asText()).isEqualTo("rnn1");
        assertThat(layer.get("grad_through_time")).hasSize(50);
        assertThat(layer.get("grad_time_ratio").asDouble()).isLessThan(1e-10);
        assertThat(layer.get("w_hh_spectral_radius").asDouble()).isBetween(0.4, 0.7);
        assertThat(Json.mapper().readTree(lines.get(0)).get("findings").get(0).get("code").asText())
                .isEqualTo("vanishing-gradient-through-time");
    }

    @Test
    void anLstmReadsFashionMnistRowByRowWellAboveChance() {
        RunResult result = run(example("fashion-lstm.yaml", "model.architecture.hidden=32", "training.epochs=1"));
        assertThat(result.last().testAccuracy()).as("10 classes: chance is 0.10").isGreaterThan(0.55);
    }
}
