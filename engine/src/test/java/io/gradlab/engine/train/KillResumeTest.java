package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.run.Checkpoint;
import io.gradlab.engine.run.RunFolder;
import io.gradlab.engine.spec.SpecLoader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real kill: a child JVM trains, is killed with SIGKILL in the middle of an epoch, and the run is resumed here. */
class KillResumeTest {
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aRunKilledMidEpochResumesToBitIdenticalMetricsAndWeights(@TempDir Path dir) throws Exception {
        Path spec = TinyRuns.writeSpec(dir.resolve("spec"), 5, "");
        Path killedOut = dir.resolve("killed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the child runs the same kernels as this JVM: with the Vector API module when this JVM has it (vector and
        // plain-Java kernels differ in the last bits of reductions such as gradient norms), and with the foreign one
        // (through which the engine asks OpenBLAS's core, which decides how small products are computed)
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        for (String module : List.of("jdk.incubator.vector", "jdk.incubator.foreign")) {
            if (ModuleLayer.boot().findModule(module).isPresent()) {
                command.addAll(List.of("--add-modules", module));
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), KillableRun.class.getName(),
                spec.toString(), killedOut.toString(), "3", "4"));
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .start();
        Path runDir = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                output.append(line).append('\n');
                if (line.startsWith("BLOCKED ")) {
                    runDir = Path.of(line.substring("BLOCKED ".length()));
                    break;
                }
            }
            assertThat(runDir).as("the child reached epoch 3, step 4; its output:%n%s", output).isNotNull();
            assertThat(Checkpoint.read(runDir).orElseThrow().epoch()).isEqualTo(2);
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(child.exitValue()).isNotZero().isNotEqualTo(3);
        assertThat(runDir.resolve(RunFolder.SUMMARY)).doesNotExist();
        assertThat(Files.readAllLines(runDir.resolve(RunFolder.METRICS))).hasSize(2);

        ComponentRegistry registry = new PluginHost(new PluginHostConfig(null, true)).load();
        ExperimentRunner runner = ExperimentRunner.withDefaultKernels(registry);
        RunResult resumed = runner.resume(runDir, TrainingListener.NONE);
        Path full = runner.run(SpecLoader.load(spec, List.of()), RunOptions.writingTo(dir.resolve("full")), TrainingListener.NONE).runDir();

        assertThat(resumed.status()).isEqualTo("completed");
        assertThat(TinyRuns.metricsWithoutTiming(runDir)).hasSize(5).isEqualTo(TinyRuns.metricsWithoutTiming(full));
        assertThat(TinyRuns.summaryWithoutTiming(runDir)).isEqualTo(TinyRuns.summaryWithoutTiming(full));
        assertThat(TinyRuns.checkpointBits(runDir)).isEqualTo(TinyRuns.checkpointBits(full));
    }
}
