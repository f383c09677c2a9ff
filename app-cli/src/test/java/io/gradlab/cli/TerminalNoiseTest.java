package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a normal run prints besides its own output: nothing from the JVM or native libraries; help that reads whole. */
class TerminalNoiseTest {
    private static final Path LAUNCHER = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("bin/gradlab");

    @TempDir
    Path dir;

    private static boolean noise(String line) {
        return line.startsWith("WARNING:") || line.startsWith("netlib");
    }

    @Test
    void aTrainingRunPrintsNoWarningOrNetlibLine() {
        Path spec = TinyCsv.spec(dir.resolve("spec"), 1);
        Cli.Result r = Cli.run("run", spec.toString(), "--out", dir.resolve("runs").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat((r.out() + r.err()).lines()).noneMatch(TerminalNoiseTest::noise);
    }

    /**
     * The launcher on a stand-in {@code java} that prints what the JVM prints with incubator modules first on
     * stderr: that line is dropped, every other stderr line, stdout and the exit code pass unchanged.
     */
    @Test
    void theLauncherDropsTheIncubatorWarningAndNothingElse() throws IOException, InterruptedException {
        Path home = dir.resolve("gradlab");
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("app-cli/target/lib"));
        Files.copy(LAUNCHER, home.resolve("bin/gradlab"));
        Files.writeString(home.resolve("app-cli/target/gradlab-cli.jar"), "");
        Files.writeString(home.resolve("app-cli/target/lib/x.jar"), "");
        Path java = home.resolve("jdk/bin/java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, """
                #!/usr/bin/env bash
                case " $* " in
                  *" --add-modules jdk.incubator.vector,jdk.incubator.foreign "*) echo "WARNING: Using incubator modules: jdk.incubator.foreign, jdk.incubator.vector" >&2 ;;
                  *" --add-modules jdk.incubator.foreign "*) echo "WARNING: Using incubator modules: jdk.incubator.foreign" >&2 ;;
                esac
                echo "args: $*"
                echo "gradlab: a real error" >&2
                exit 3
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(home.resolve("bin/gradlab"), PosixFilePermissions.fromString("rwxr-xr-x"));

        for (String vector : List.of("on", "off")) {
            ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/gradlab").toString(), "run", "spec.yaml");
            pb.environment().put("JAVA_HOME", home.resolve("jdk").toString());
            pb.environment().put("GRADLAB_VECTOR", vector);
            pb.environment().remove("JAVA_OPTS");
            pb.redirectErrorStream(false);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(vector).isEqualTo(3);
            assertThat(out).as(vector).contains("io.gradlab.cli.Main run spec.yaml");
            assertThat(err.lines().toList()).as(vector).containsExactly("gradlab: a real error");
            assertThat(out.contains("jdk.incubator.vector")).isEqualTo(vector.equals("on"));
            assertThat(out).as(vector).contains("jdk.incubator.foreign"); // the engine asks OpenBLAS for its core through it
        }
    }

    @Test
    void helpHasNoFormatWarningsAndNoCommandSummaryCutMidSentence() {
        Cli.Result bench = Cli.run("bench", "--help");
        assertThat(bench.out()).contains("at most 5% of a run");
        assertThat(bench.err()).isEmpty();

        Cli.Result help = Cli.run("--help");
        String commands = help.out().substring(help.out().indexOf("Commands:"), help.out().indexOf("Run 'gradlab help"));
        // each command's summary (possibly wrapped over lines) ends a sentence
        for (String block : commands.split("\n  (?=\\S)")) {
            if (!block.startsWith("Commands:")) {
                assertThat(block.strip()).as(block).endsWith(".");
            }
        }
    }

    @Test
    void theEtaCountsTheRunsRemainingStepsAtThePaceSoFar() {
        assertThat(RunProgress.eta(0, 100, 0)).isEqualTo("--:--");
        assertThat(RunProgress.eta(10, 90, 5.0)).isEqualTo("0:45");
        assertThat(RunProgress.eta(1, 7300, 1.0)).isEqualTo("2:01:40");
        assertThat(RunProgress.eta(10, 0, 3.0)).isEqualTo("0:00");
    }
}
