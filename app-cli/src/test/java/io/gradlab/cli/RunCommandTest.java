package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aTinyRunWritesACompleteRunFolderAndPrintsTheDiagnosis() throws IOException {
        Path spec = Specs.tinySpec(dir);
        Path out = dir.resolve("runs");

        Cli.Result r = Cli.run("run", spec.toString(), "--out", out.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        Path runDir = onlyRunFolder(out);
        assertThat(runDir.getFileName().toString()).startsWith("tiny-");
        assertThat(runDir.resolve("spec.resolved.yaml")).isRegularFile();
        assertThat(Files.readString(runDir.resolve("spec.resolved.yaml"))).contains("tiny").contains("mlp");
        List<String> lines = Files.readAllLines(runDir.resolve("metrics.jsonl"));
        assertThat(lines).hasSize(1);
        JsonNode epoch = JSON.readTree(lines.get(0));
        for (String key : List.of("epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "seconds")) {
            assertThat(epoch.has(key)).as(key).isTrue();
        }
        assertThat(epoch.get("epoch").asInt()).isEqualTo(1);
        JsonNode layers = epoch.get("layers");
        assertThat(layers).hasSize(3);
        for (JsonNode layer : layers) {
            for (String key : List.of("name", "grad_norm", "weight_norm", "update_ratio")) {
                assertThat(layer.has(key)).as(key).isTrue();
            }
        }
        JsonNode summary = JSON.readTree(runDir.resolve("summary.json").toFile());
        assertThat(summary.get("status").asText()).isEqualTo("completed");

        // plain progress (stdout is not a terminal): one line per epoch, then the layer table and the folder
        assertThat(r.out()).containsPattern("(?m)^epoch 1/1  train loss \\d+\\.\\d{4} acc \\d\\.\\d{4}  test loss \\d+\\.\\d{4} acc \\d\\.\\d{4}  \\d+\\.\\d s$")
                .containsPattern("(?m)^  layer +grad_norm +weight_norm +update_ratio( |$)")
                .containsPattern("(?m)^  hidden1 +\\d\\.\\d\\de[-+]\\d\\d +\\d\\.\\d\\de[-+]\\d\\d +\\d\\.\\d\\de[-+]\\d\\d( |$)")
                .containsPattern("(?m)^  output ")
                .contains("gradient ratio first/last hidden layer (hidden1 / hidden2): ")
                .contains("findings:")
                .contains("run folder: " + runDir);
    }

    @Test
    void quietPrintsOnlyTheRunFolder() throws IOException {
        Path out = dir.resolve("runs");

        Cli.Result r = Cli.run("run", Specs.tinySpec(dir).toString(), "--out", out.toString(), "--quiet");

        assertThat(r.code()).isZero();
        assertThat(r.out().strip()).isEqualTo(onlyRunFolder(out).toString());
    }

    @Test
    void epochsAndSetOverrideTheSpec() throws IOException {
        Path out = dir.resolve("runs");

        Cli.Result r = Cli.run("run", Specs.tinySpec(dir).toString(), "--out", out.toString(), "--epochs", "2",
                "--set", "model.architecture.activation=tanh", "-q");

        assertThat(r.code()).as(r.err()).isZero();
        Path runDir = onlyRunFolder(out);
        assertThat(Files.readAllLines(runDir.resolve("metrics.jsonl"))).hasSize(2);
        assertThat(Files.readString(runDir.resolve("spec.resolved.yaml"))).contains("tanh").doesNotContain("sigmoid");
    }

    @Test
    void theSameSpecTwiceGivesTheSameMetricsApartFromTiming() throws IOException {
        Path spec = Specs.tinySpec(dir);

        assertThat(Cli.run("run", spec.toString(), "--out", dir.resolve("a").toString(), "-q").code()).isZero();
        assertThat(Cli.run("run", spec.toString(), "--out", dir.resolve("b").toString(), "-q").code()).isZero();

        List<JsonNode> a = withoutTiming(onlyRunFolder(dir.resolve("a")).resolve("metrics.jsonl"));
        List<JsonNode> b = withoutTiming(onlyRunFolder(dir.resolve("b")).resolve("metrics.jsonl"));
        assertThat(a).hasSize(1);
        assertThat(a).isEqualTo(b);
    }

    @Test
    void anUnknownActivationIsOneLineWithASuggestionAndNoRunFolder() {
        Path spec = Specs.write(dir, "bad.yaml", Specs.tiny("embedded", "sigmoidd", "0.1"));
        Path out = dir.resolve("runs");

        Cli.Result r = Cli.run("run", spec.toString(), "--out", out.toString());

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.errLines()).singleElement().asString()
                .startsWith("gradlab: ")
                .contains("unknown activation")
                .contains("did you mean")
                .contains("sigmoid");
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("at io.");
        assertThat(out).doesNotExist();
    }

    @Test
    void aNegativeLearningRateNamesLr() {
        Path spec = Specs.write(dir, "neg.yaml", Specs.tiny("embedded", "sigmoid", "-0.1"));
        Path out = dir.resolve("runs");

        Cli.Result r = Cli.run("run", spec.toString(), "--out", out.toString());

        assertThat(r.code()).isNotZero();
        assertThat(r.errLines()).singleElement().asString().startsWith("gradlab: ").contains("'lr'").contains("-0.1");
        assertThat(r.err()).doesNotContain("Exception");
        assertThat(out).doesNotExist();
    }

    @Test
    void aTruncatedGzipIdxFolderIsADataErrorAndWritesNothing() throws IOException {
        Path data = Files.createDirectory(dir.resolve("idx"));
        for (String part : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")) {
            byte[] bytes = embedded(part + ".gz");
            int keep = part.equals("train-images-idx3-ubyte") ? bytes.length / 3 : bytes.length;
            Files.write(data.resolve(part + ".gz"), java.util.Arrays.copyOf(bytes, keep));
        }
        Path spec = Specs.write(dir, "full.yaml", Specs.tiny("full", "sigmoid", "0.1"));
        Path out = dir.resolve("runs");

        Cli.Result r = Cli.run("run", spec.toString(), "--data", data.toString(), "--out", out.toString());

        assertThat(r.code()).isEqualTo(4);
        assertThat(r.errLines()).first().asString().startsWith("gradlab: ").contains("train-images-idx3-ubyte");
        assertThat(r.err()).containsIgnoringCase("truncated").doesNotContain("Exception").doesNotContain("at io.");
        assertThat(out).doesNotExist();
    }

    @Test
    void aMissingSpecFileIsAClearMessage() {
        Cli.Result r = Cli.run("run", dir.resolve("missing.yaml").toString(), "--out", dir.resolve("runs").toString());

        assertThat(r.code()).isNotZero();
        assertThat(r.errLines()).singleElement().asString().startsWith("gradlab: ").contains("missing.yaml").contains("not found");
        assertThat(dir.resolve("runs")).doesNotExist();
    }

    @Test
    void verboseAddsTheStackTrace() {
        Cli.Result r = Cli.run("run", dir.resolve("missing.yaml").toString(), "--verbose");

        assertThat(r.code()).isNotZero();
        assertThat(r.err()).startsWith("gradlab: ").contains("not found").contains("\tat io.gradlab.");
    }

    @Test
    void aDivergingRunExitsWithTheNumericCodeAndKeepsItsFolder() throws IOException {
        Path spec = Specs.write(dir, "diverge.yaml", Specs.tiny("embedded", "identity", "1000000"));
        Path out = dir.resolve("runs");

        Cli.Result r = Cli.run("run", spec.toString(), "--out", out.toString(), "--set", "model.architecture.depth=7");

        assertThat(r.code()).isEqualTo(6);
        Path runDir = onlyRunFolder(out);
        // the NaN sentinel (a default diagnostic) stops the run at the first non-finite value and names where it appeared
        assertThat(r.errLines()).singleElement().asString().startsWith("gradlab: training diverged").contains("became non-finite")
                .containsPattern("layer '(hidden|act|output)").contains(runDir.toString());
        assertThat(JSON.readTree(runDir.resolve("summary.json").toFile()).get("status").asText()).isEqualTo("stopped");
        assertThat(runDir.resolve("spec.resolved.yaml")).isRegularFile();
    }

    private static List<JsonNode> withoutTiming(Path metrics) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            ObjectNode node = (ObjectNode) JSON.readTree(line);
            assertThat(node.has("seconds")).isTrue();
            node.remove("seconds");
            node.remove("samples_per_second");
            lines.add(node);
        }
        return lines;
    }

    private static Path onlyRunFolder(Path out) throws IOException {
        try (Stream<Path> files = Files.list(out)) {
            List<Path> dirs = files.filter(Files::isDirectory).toList();
            assertThat(dirs).hasSize(1);
            return dirs.get(0);
        }
    }

    private static byte[] embedded(String file) throws IOException {
        try (InputStream in = RunCommandTest.class.getResourceAsStream("/io/gradlab/engine/data/fashion-mnist-subset/" + file)) {
            assertThat(in).as(file).isNotNull();
            return in.readAllBytes();
        }
    }
}
