package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gradlab doctor} on the shipped example specs (embedded data, short probes). */
class DoctorCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = examples();

    @TempDir
    Path dir;

    private static Path examples() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("examples/doctor"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("examples/doctor not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("examples");
    }

    private static Cli.Result doctor(String spec, String... more) {
        String[] args = new String[3 + more.length];
        args[0] = "doctor";
        args[1] = EXAMPLES.resolve(spec).toString();
        args[2] = "--subset=embedded";
        System.arraycopy(more, 0, args, 3, more.length);
        return Cli.run(args);
    }

    @Test
    void theM05BaselineHasAVanishingGradientNamingTheEarlyLayersWithTheRatioAndTheRemedies() {
        Cli.Result r = doctor("m05/baseline.yaml", "--steps", "20");

        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("probe: 20 training step(s)").contains("no run folder written")
                .contains("CRITICAL  vanishing gradient")
                .containsPattern("what: +vanishing gradient: the first hidden layer 'hidden1' gets a weight gradient \\d\\.\\d\\de-0\\d times")
                .containsPattern("the early layers hidden1, hidden2(, hidden\\d)* get less than 1% of it")
                .contains("where:     layer hidden1 (128 units)")
                .containsPattern("evidence: .*ratio \\d")
                .contains("- a ReLU-family activation (examples/m05/relu.yaml)")
                .contains("examples/m05/batchnorm.yaml").contains("examples/m05/skip.yaml").contains("examples/m05/adam.yaml")
                .contains("diagnosis: NOT healthy");
        // the layer table shows the staircase of gradient norms
        assertThat(r.out()).containsPattern("(?m)^  hidden1 +\\d\\.\\d\\de-0\\d .*#$");
    }

    @Test
    void aReluNetWithALargeNegativeBiasHasDeadUnits() {
        Cli.Result r = doctor("doctor/dead-relu.yaml", "--steps", "10");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("CRITICAL  dead units").contains("128 of 128 units (100%) of layer 'act1'")
                .contains("where:     layer act1 (128 units)").contains("bias-init");
    }

    @Test
    void aZeroInitialisedMlpIsSymmetric() {
        Cli.Result r = doctor("doctor/zero-init.yaml", "--steps", "10");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("CRITICAL  symmetry").contains("the 64 units of layer 'hidden1' have only 1 distinct")
                .contains("init: pytorch-default");
        // the root cause first: every other finding comes after the symmetry and is named as its consequence
        String findings = r.out().substring(r.out().indexOf("\nCRITICAL  "));
        assertThat(findings).startsWith("\nCRITICAL  symmetry");
        assertThat(findings).contains("vanishing gradient\n  what:      a consequence of the symmetry in 'hidden1' above: ");
        assertThat(findings.indexOf("vanishing gradient")).isGreaterThan(findings.lastIndexOf("CRITICAL  symmetry"));
    }

    @Test
    void unitsKilledByALargeLearningRateMidProbeAreDeadWithTheStepTheyDied() throws IOException {
        Cli.Result r = doctor("doctor/suite/relu-large-lr.yaml", "--steps", "40", "--json");

        assertThat(r.code()).as(r.err()).isEqualTo(1);
        JsonNode first = JSON.readTree(r.out()).get("findings").get(0);
        assertThat(first.get("code").asText()).isEqualTo("dead-units");
        assertThat(first.get("message").asText()).containsPattern("of layer 'act\\d' output zero for every training sample since step \\d+");
        long died = first.get("evidence").get("died_first_step").asLong();
        assertThat(died).as("units were alive at the first step and died during the probe").isBetween(2L, 39L);
        assertThat(first.get("evidence").get("dead_fraction").asDouble()).isGreaterThanOrEqualTo(0.5);
    }

    @Test
    void sigmoidWithLargeWeightsSaturates() {
        Cli.Result r = doctor("doctor/saturated.yaml", "--steps", "10");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("CRITICAL  saturation").contains("of layer 'act1'");
    }

    @Test
    void anExplodingRunIsStoppedAtTheFirstNonFiniteValueAndTheLayerIsNamed() {
        Cli.Result r = doctor("doctor/exploding.yaml");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("status stopped").contains("CRITICAL  non finite")
                .containsPattern("the output of layer '\\w+' became non-finite at epoch 1, step \\d+");
    }

    @Test
    void aHealthyReluNetHasNoCriticalFindingAndExitsZero() throws IOException {
        Cli.Result r = doctor("doctor/healthy.yaml", "--steps", "30", "--json");

        assertThat(r.code()).as(r.out() + r.err()).isZero();
        JsonNode root = JSON.readTree(r.out());
        assertThat(root.get("healthy").asBoolean()).isTrue();
        assertThat(root.get("critical").asInt()).isZero();
        assertThat(root.get("steps").asInt()).isEqualTo(30);
        assertThat(root.get("status").asText()).isEqualTo("step-limit");
        for (JsonNode f : root.get("findings")) {
            assertThat(f.get("severity").asText()).isNotEqualTo("CRITICAL");
        }
        assertThat(root.get("last_epoch").get("layers")).hasSize(4);
    }

    @Test
    void jsonOutputCarriesEveryFindingWithItsLocationForScripts() throws IOException {
        Cli.Result r = doctor("doctor/dead-relu.yaml", "--steps", "5", "--json");

        assertThat(r.code()).isEqualTo(1);
        JsonNode root = JSON.readTree(r.out());
        assertThat(root.get("exit_code").asInt()).isEqualTo(1);
        JsonNode dead = null;
        for (JsonNode f : root.get("findings")) {
            if (f.get("code").asText().equals("dead-units")) {
                dead = f;
            }
        }
        assertThat(dead).isNotNull();
        assertThat(dead.get("where").asText()).isEqualTo("layer act1 (128 units)");
        assertThat(dead.get("evidence").get("dead_fraction").asDouble()).isEqualTo(1.0);
        assertThat(dead.get("remedies")).isNotEmpty();
    }

    @Test
    void aBadSpecIsAnErrorWithItsOwnExitCodeAndWritesNothing() {
        Path spec = Specs.write(dir, "bad.yaml", Specs.tiny("embedded", "sigmiod", "0.1"));

        Cli.Result r = Cli.run("doctor", spec.toString());

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("did you mean 'sigmoid'");
        assertThat(dir.toFile().list()).containsExactly("bad.yaml");
    }
}
