package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradlab.api.GradlabException;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.run.Json;
import io.gradlab.engine.run.RunFolder;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentRunnerTest {
    private static ComponentRegistry registry;

    @BeforeAll
    static void loadRegistry() {
        registry = new PluginHost(new PluginHostConfig(null, true)).load();
    }

    private static ExperimentSpec spec(String architecture, int epochs, String... overrides) {
        String yaml = """
                name: tiny
                data:
                  source: {id: fashion-mnist, subset: embedded}
                model:
                  architecture: %s
                training:
                  epochs: %d
                  batch-size: 128
                  optimizer: {id: sgd, lr: 0.1}
                  seed: 7
                """.formatted(architecture, epochs);
        return SpecLoader.parse(yaml, "tiny.yaml", Path.of("."), List.of(overrides));
    }

    @Test
    void aDeepSigmoidMlpShowsTheVanishingGradientInItsMetrics(@TempDir Path out) throws Exception {
        RunResult result = ExperimentRunner.withDefaultKernels(registry).run(
                spec("{id: mlp, depth: 7, width: 64, activation: sigmoid}", 1), RunOptions.writingTo(out), TrainingListener.NONE);
        assertThat(result.status()).isEqualTo("completed");
        List<String> lines = Files.readAllLines(result.runDir().resolve(RunFolder.METRICS));
        assertThat(lines).hasSize(1);
        JsonNode m = Json.mapper().readTree(lines.get(0));
        for (String key : List.of("epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "seconds", "layers")) {
            assertThat(m.has(key)).as(key).isTrue();
        }
        JsonNode layers = m.get("layers");
        assertThat(layers).hasSize(8);
        assertThat(layers.get(0).get("name").asText()).isEqualTo("hidden1");
        assertThat(layers.get(7).get("name").asText()).isEqualTo("output");
        double first = layers.get(0).get("grad_norm").asDouble();
        double lastHidden = layers.get(6).get("grad_norm").asDouble();
        assertThat(first).isPositive();
        assertThat(first * 100).isLessThan(lastHidden);
        assertThat(m.get("findings").get(0).get("code").asText()).isEqualTo("vanishing-gradient");
        JsonNode summary = Json.mapper().readTree(result.runDir().resolve(RunFolder.SUMMARY).toFile());
        assertThat(summary.get("status").asText()).isEqualTo("completed");
        assertThat(summary.get("threads").asInt()).as("the kernel threads, on which the bits depend").isPositive();
        assertThat(Files.readString(result.runDir().resolve(RunFolder.SPEC))).contains("pytorch-default");
    }

    @Test
    void aShallowNetworkLearnsTheEmbeddedData(@TempDir Path out) {
        RunResult result = ExperimentRunner.withDefaultKernels(registry).run(
                spec("{id: mlp, hidden: [64], activation: sigmoid}", 5, "training.optimizer.lr=0.5"), RunOptions.writingTo(out), TrainingListener.NONE);
        assertThat(result.last().testAccuracy()).isGreaterThan(0.6);
        assertThat(result.last().trainLoss()).isLessThan(result.history().get(0).trainLoss());
    }

    @Test
    void theSameSeedGivesIdenticalMetricsApartFromTiming(@TempDir Path out) throws Exception {
        ExperimentRunner runner = ExperimentRunner.withDefaultKernels(registry);
        ExperimentSpec s = spec("{id: mlp, depth: 3, width: 32}", 2, "data.validation=500");
        Path a = runner.run(s, RunOptions.writingTo(out.resolve("a")), TrainingListener.NONE).runDir();
        Path b = runner.run(s, RunOptions.writingTo(out.resolve("b")), TrainingListener.NONE).runDir();
        assertThat(withoutTiming(a)).isEqualTo(withoutTiming(b));
        assertThat(withoutTiming(a)).contains("val_accuracy");
    }

    private static String withoutTiming(Path run) throws Exception {
        return Files.readString(run.resolve(RunFolder.METRICS)).replaceAll("\"(seconds|samples_per_second)\":[0-9.eE+-]+", "");
    }

    @Test
    void aBadSpecLeavesNoRunFolder(@TempDir Path out) {
        ExperimentRunner runner = ExperimentRunner.withDefaultKernels(registry);
        assertThatThrownBy(() -> runner.run(spec("{id: mlp, activation: sigmiod}", 1), RunOptions.writingTo(out), TrainingListener.NONE))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("did you mean 'sigmoid'");
        assertThat(out.toFile().list()).isNullOrEmpty();
    }

    @Test
    void divergenceIsReportedAndTheRunFolderSaysSo(@TempDir Path out) throws Exception {
        ExperimentRunner runner = ExperimentRunner.withDefaultKernels(registry);
        ExperimentSpec s = spec("{id: mlp, depth: 2, width: 32, activation: identity, init: {id: normal, std: 3.0}}", 2,
                "training.optimizer.lr=1000");
        assertThatThrownBy(() -> runner.run(s, RunOptions.writingTo(out), TrainingListener.NONE))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("training diverged")
                .hasMessageContaining("learning rate");
        Path run = Files.list(out).findFirst().orElseThrow();
        assertThat(Json.mapper().readTree(run.resolve(RunFolder.SUMMARY).toFile()).get("status").asText()).isEqualTo("diverged");
    }
}
