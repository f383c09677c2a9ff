package io.gradlab.cli.study;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** examples/precision: the same deep sigmoid MLP, seed and data; the first layers' gradients underflow in float32, not in float64. */
class PrecisionExampleTest {
    private static final Path EXAMPLES = Path.of("..", "examples", "precision");

    private static JsonNode lastEpoch(Path out, String spec) throws IOException {
        StudyCommandTest.Run r = StudyCommandTest.gradlab("run", EXAMPLES.resolve(spec).toString(), "--out", out.toString(), "-q",
                "--set", "training.batch-size=500"); // 9 steps instead of 36: the same gradients' scale, a quarter of the time
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(Path.of(r.out().trim()).resolve("metrics.jsonl"));
        return new ObjectMapper().readTree(lines.get(lines.size() - 1));
    }

    private static Map<String, Double> underflow(JsonNode epoch) {
        Map<String, Double> out = new HashMap<>();
        for (JsonNode layer : epoch.get("layers")) {
            if (layer.has("grad_underflow_fraction")) {
                out.put(layer.get("name").asText(), layer.get("grad_underflow_fraction").asDouble());
            }
        }
        return out;
    }

    @Test
    void float32UnderflowsWhereFloat64DoesNot(@TempDir Path dir) throws IOException {
        JsonNode f32 = lastEpoch(dir, "deep-sigmoid-f32.yaml");
        JsonNode f64 = lastEpoch(dir, "deep-sigmoid-f64.yaml");
        Map<String, Double> u32 = underflow(f32);
        Map<String, Double> u64 = underflow(f64);
        assertThat(u32).hasSize(25); // 24 hidden layers and the output layer
        assertThat(u32.get("hidden1")).isGreaterThan(0.5);
        assertThat(u32.get("hidden2")).isGreaterThan(0.5);
        assertThat(u32.get("hidden24")).isZero();
        assertThat(u64).hasSize(25).allSatisfy((layer, fraction) -> assertThat(fraction).as(layer).isZero());
        assertThat(f32.get("findings").findValuesAsText("code")).contains("gradient-underflow");
        assertThat(f64.get("findings").findValuesAsText("code")).doesNotContain("gradient-underflow");
    }
}
