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

/** A run whose last epoch ends with a non-finite loss is diverged, not completed. */
class DivergedEndTest {
    private static final Path SPEC = Path.of("..", "examples", "rnn", "linear-one-step.yaml");

    @Test
    void oneStepOfALinearRnnWithSpectralRadius15EndsDivergedWithANonZeroExit(@TempDir Path out) throws Exception {
        Cli.Result r = Cli.run("run", SPEC.toString(), "--out", out.toString(), "-q");
        assertThat(r.code()).as(r.err()).isEqualTo(6);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().get(0)).contains("diverged").contains("test loss is NaN").contains("clip-norm");
        JsonNode summary = Json.mapper().readTree(onlyRun(out).resolve(RunFolder.SUMMARY).toFile());
        assertThat(summary.get("status").asText()).isEqualTo("diverged");
        assertThat(summary.get("epochs_completed").asInt()).isEqualTo(1);
        assertThat(summary.get("final_train_loss").isNumber()).as("the training loss of the one step was still finite").isTrue();
    }

    @Test
    void theSameStepWithClippingCompletes(@TempDir Path out) throws Exception {
        Cli.Result r = Cli.run("run", SPEC.toString(), "--out", out.toString(), "-q",
                "--set", "training.gradient-transforms=[{id: clip-norm, max-norm: 1.0}]");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode summary = Json.mapper().readTree(onlyRun(out).resolve(RunFolder.SUMMARY).toFile());
        assertThat(summary.get("status").asText()).isEqualTo("completed");
        assertThat(summary.get("final_test_loss").isNumber()).isTrue();
    }

    private static Path onlyRun(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out)) {
            List<Path> runs = s.toList();
            assertThat(runs).hasSize(1);
            return runs.get(0);
        }
    }
}
