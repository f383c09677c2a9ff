package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void jsonListsTheBuiltInComponentsWithTheirParameters() throws IOException {
        Cli.Result r = Cli.run("plugins", "--json");

        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        JsonNode root = JSON.readTree(r.out());
        JsonNode components = root.get("components");
        assertThat(components.isArray()).isTrue();
        List<String> ids = new ArrayList<>();
        for (JsonNode c : components) {
            assertThat(c.has("kind") && c.has("id") && c.has("source") && c.has("jar") && c.has("version")
                    && c.has("description") && c.get("parameters").isArray()).as(c.toString()).isTrue();
            ids.add(c.get("kind").asText() + ":" + c.get("id").asText());
        }
        assertThat(ids).contains("activation:sigmoid", "activation:tanh", "optimizer:sgd", "architecture:mlp",
                "dataset:fashion-mnist", "loss:softmax-cross-entropy", "initializer:pytorch-default", "diagnostic:gradient-flow");
        assertThat(root.get("problems").isArray()).isTrue();
        assertThat(root.get("problems")).isEmpty();
    }

    @Test
    void jsonParametersCarryTypeDefaultAllowedValuesAndDescription() throws IOException {
        JsonNode root = JSON.readTree(Cli.run("plugins", "--json", "--kind", "optimizer").out());

        JsonNode sgd = find(root.get("components"), "sgd");
        assertThat(sgd.get("source").asText()).isEqualTo("gradlab-engine");
        assertThat(sgd.get("jar").isNull()).isTrue();
        JsonNode lr = find(sgd.get("parameters"), "lr", "name");
        assertThat(lr.get("type").asText()).isEqualTo("double");
        assertThat(lr.get("default").asDouble()).isEqualTo(0.01);
        assertThat(lr.get("allowed").asText()).startsWith("(0, ");
        assertThat(lr.get("required").asBoolean()).isFalse();
        assertThat(lr.get("description").asText()).isNotBlank();
        for (JsonNode c : root.get("components")) {
            assertThat(c.get("kind").asText()).isEqualTo("optimizer");
        }
    }

    @Test
    void componentDefaultsAreRenderedAsIds() throws IOException {
        JsonNode root = JSON.readTree(Cli.run("plugins", "--json", "--kind", "architectures").out());

        JsonNode activation = find(find(root.get("components"), "mlp").get("parameters"), "activation", "name");
        assertThat(activation.get("type").asText()).isEqualTo("activation");
        assertThat(activation.get("default").asText()).isEqualTo("sigmoid");
    }

    @Test
    void humanOutputGroupsByKindInACompactTable() {
        Cli.Result r = Cli.run("plugins");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("activations (").contains("optimizers (").contains("datasets (")
                .containsPattern("(?m)^  id +version +source +description$")
                .containsPattern("(?m)^  sgd +\\S+ +gradlab-engine +stochastic gradient descent")
                .containsPattern("(?m)^      lr: double = 0\\.01, \\(0, .*\\] - ")
                .containsPattern("component\\(s\\) from \\d+ source\\(s\\)");
        assertThat(r.out().indexOf("activations (")).isLessThan(r.out().indexOf("optimizers ("));
    }

    @Test
    void kindFiltersTheListing() {
        Cli.Result r = Cli.run("plugins", "--kind", "loss");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("losses (").contains("softmax-cross-entropy").doesNotContain("sigmoid").doesNotContain("optimizers");
    }

    @Test
    void anUnknownKindIsAUsageErrorListingTheKinds() {
        Cli.Result r = Cli.run("plugins", "--kind", "activatoin");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown component kind 'activatoin'").contains("activation, initializer");
    }

    @Test
    void aBrokenPluginJarIsAWarningAndTheCommandStillWorks(@TempDir Path plugins) throws IOException {
        Files.write(plugins.resolve("broken.jar"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        Cli.Result r = Cli.run("--plugins-dir", plugins.toString(), "plugins", "--json");

        assertThat(r.code()).isZero();
        assertThat(r.errLines()).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("gradlab: warning: "));
        assertThat(r.err()).contains("broken.jar").doesNotContain("\tat ");
        JsonNode root = JSON.readTree(r.out());
        assertThat(root.get("problems")).isNotEmpty();
        assertThat(root.get("problems").get(0).get("message").asText()).contains("broken.jar");
        assertThat(find(root.get("components"), "sigmoid")).isNotNull();
    }

    @Test
    void strictModeMakesAPluginProblemFatal(@TempDir Path plugins) throws IOException {
        Files.write(plugins.resolve("broken.jar"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        Cli.Result r = Cli.run("plugins", "--strict", "--plugins-dir", plugins.toString());

        assertThat(r.code()).isEqualTo(5);
        assertThat(r.err()).startsWith("gradlab: ").contains("strict").contains("broken.jar").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    private static JsonNode find(JsonNode array, String id) {
        return find(array, id, "id");
    }

    private static JsonNode find(JsonNode array, String value, String field) {
        for (JsonNode n : array) {
            if (n.get(field).asText().equals(value)) {
                return n;
            }
        }
        throw new AssertionError("no element with " + field + " = " + value + " in " + array);
    }
}
