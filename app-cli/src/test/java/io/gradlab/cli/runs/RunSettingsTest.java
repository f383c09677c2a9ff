package io.gradlab.cli.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSettingsTest {
    @Test
    void flattensTheResolvedSpecToDottedKeys(@TempDir Path run) throws Exception {
        Files.writeString(run.resolve(RunSettings.SPEC), "name: demo\nmodel:\n  architecture: {id: mlp, hidden: [16, 8]}\ntraining:\n  optimizer: {lr: 0.1}\n");
        assertThat(RunSettings.flat(run)).containsExactly(Map.entry("name", "demo"), Map.entry("model.architecture.id", "mlp"),
                Map.entry("model.architecture.hidden[0]", 16), Map.entry("model.architecture.hidden[1]", 8),
                Map.entry("training.optimizer.lr", 0.1));
        assertThat(RunSettings.flat(run.resolve("missing"))).isEmpty();
    }

    @Test
    void differingKeysLeaveOutTheNameAndCountAMissingKey() {
        Map<String, Object> a = Map.of("name", "a", "training.optimizer.lr", 0.01, "training.seed", 1);
        Map<String, Object> b = Map.of("name", "b", "training.optimizer.lr", 0.1, "training.seed", 1, "training.clip", 1.0);
        assertThat(RunSettings.differing(List.of(a, b))).containsExactlyInAnyOrder("training.optimizer.lr", "training.clip");
        assertThat(RunSettings.differing(List.of(a))).isEmpty();
        assertThat(RunSettings.text(null)).isEqualTo("\u2013");
    }
}
