package io.gradlab.cli;

import static io.gradlab.cli.BadInputCorpusTest.assertNoStackTrace;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradlab.engine.registry.TestJars;
import io.gradlab.engine.run.RunFolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plugin boundary against a hostile plugin jar whose activations overflow the stack, fail an
 * assertion, never return or call {@code System.exit(0)} in {@code forward}: every case ends with a
 * non-zero exit code and one line naming the plugin's code, never a stack trace or a "success"; a run
 * folder says {@code status: failed} with the reason, or (a hang) stays resumable.
 */
class HostilePluginTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;
    private static Path plugins;
    private static Path specDir;

    @BeforeAll
    static void buildTheHostileJar() throws IOException {
        plugins = Files.createDirectories(work.resolve("plugins"));
        TestJars.build(plugins.resolve("evil.jar"), work.resolve("build"), sources(), "evil.EvilPlugin");
        specDir = work.resolve("spec");
        TinyCsv.spec(specDir, 2);
    }

    private static Path spec(String activation) throws IOException {
        String text = Files.readString(specDir.resolve("tiny.yaml")).replace("activation: sigmoid", "activation: " + activation);
        return Files.writeString(specDir.resolve(activation + ".yaml"), text);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"evil-overflow", "evil-assert"})
    void anErrorInForwardFailsTheRunWithOneLineAndAFailedSummary(String activation) throws IOException {
        Path out = work.resolve("out-" + activation);
        Cli.Result r = Cli.run("--plugins-dir", plugins.toString(), "run", spec(activation).toString(), "--out", out.toString());

        assertThat(r.code()).as(r.err()).isEqualTo(5);
        assertThat(r.errLines()).singleElement().asString().startsWith("gradlab: ")
                .contains(activation.equals("evil-overflow") ? "java.lang.StackOverflowError" : "java.lang.AssertionError: evil")
                .contains("evil.EvilActivation").contains("(plugin jar evil.jar)").contains("a summary.json");
        assertNoStackTrace(r);
        Path run = onlyRun(out);
        JsonNode summary = JSON.readTree(run.resolve(RunFolder.SUMMARY).toFile());
        assertThat(summary.get("status").asText()).isEqualTo("failed");
        assertThat(summary.get("error").asText()).contains("evil.EvilActivation");
    }

    @Test
    void anErrorInADoctorsProbeIsReportedNotDiagnosedAsHealthy() throws IOException {
        Cli.Result r = Cli.run("--plugins-dir", plugins.toString(), "doctor", spec("evil-assert").toString(), "--steps", "3");

        assertThat(r.code()).as(r.err() + r.out()).isEqualTo(5);
        assertThat(r.errLines()).singleElement().asString().startsWith("gradlab: ").contains("java.lang.AssertionError");
        assertNoStackTrace(r);
    }

    @Test
    void anErrorInAGradientCheckIsReportedNotPassed() {
        Cli.Result r = Cli.run("--plugins-dir", plugins.toString(), "gradcheck", "--id", "evil-overflow");

        // the check catches the Error itself: the component FAILs (exit 1), it never passes
        assertThat(r.code()).as(r.err() + r.out()).isEqualTo(1);
        assertThat(r.errLines()).singleElement().asString().startsWith("gradlab: ").contains("failed the gradient check")
                .contains("evil-overflow");
        assertThat(r.out()).containsPattern("(?m)^  activation +evil-overflow .* FAIL$").contains("StackOverflowError")
                .doesNotContainPattern("(?m) PASS$");
        assertNoStackTrace(r);
    }

    @Test
    void aStepThatNeverReturnsIsStoppedByTheWatchdogNamingTheCode() throws Exception {
        Path out = work.resolve("out-hang");
        long start = System.nanoTime();
        Cli.Result r = Cli.run("--plugins-dir", plugins.toString(), "run", spec("evil-hang").toString(), "--out", out.toString(),
                "--set", "training.step-timeout=2");
        double seconds = (System.nanoTime() - start) / 1e9;
        try {
            assertThat(r.code()).as(r.err()).isEqualTo(5);
            assertThat(seconds).isLessThan(30);
            assertThat(r.errLines()).singleElement().asString()
                    .startsWith("gradlab: the training step did not finish within 2 s (training.step-timeout): it hangs in "
                            + "evil.EvilActivation.forward (plugin jar evil.jar)")
                    .contains("gradlab run --resume");
            assertNoStackTrace(r);
            Path run = onlyRun(out);
            // stopped in its first step: no summary, no checkpoint: the folder restarts from epoch 1 with --resume
            assertThat(run.resolve(RunFolder.SUMMARY)).doesNotExist();
            assertThat(run.resolve(RunFolder.CHECKPOINT)).doesNotExist();
            assertThat(run.resolve(RunFolder.SPEC)).isRegularFile();
        } finally {
            release(out);
        }
    }

    @Test
    void aGradientCheckThatNeverReturnsIsStopped() throws Exception {
        try {
            Cli.Result r = Cli.run("--plugins-dir", plugins.toString(), "gradcheck", "--id", "evil-hang", "--step-timeout", "1");
            assertThat(r.code()).as(r.err()).isEqualTo(5);
            assertThat(r.errLines()).singleElement().asString()
                    .startsWith("gradlab: the gradient check of activation 'evil-hang'")
                    .contains("did not finish within 1 s").contains("evil.EvilActivation.forward (plugin jar evil.jar)");
        } finally {
            release(null);
        }
    }

    @Test
    void aDoctorsProbeThatNeverReturnsIsStopped() throws Exception {
        try {
            Cli.Result r = Cli.run("--plugins-dir", plugins.toString(), "doctor", spec("evil-hang").toString(), "--steps", "3",
                    "--set", "training.step-timeout=1");
            assertThat(r.code()).as(r.err()).isEqualTo(5);
            assertThat(r.errLines()).singleElement().asString()
                    .startsWith("gradlab: the doctor's probe step did not finish within 1 s (training.step-timeout): it hangs in "
                            + "evil.EvilActivation.forward (plugin jar evil.jar)");
            assertThat(r.out()).doesNotContain("healthy");
        } finally {
            release(null);
        }
    }

    /** Lets the hanging activation throw, and waits until its abandoned run (if any) has written its summary. */
    private static void release(Path out) throws Exception {
        System.setProperty("evil.release", "true");
        try {
            if (out != null && Files.isDirectory(out)) {
                Path run = onlyRun(out);
                for (int i = 0; i < 250 && !Files.exists(run.resolve(RunFolder.SUMMARY)); i++) {
                    TimeUnit.MILLISECONDS.sleep(20);
                }
            } else {
                TimeUnit.MILLISECONDS.sleep(200);
            }
        } finally {
            System.clearProperty("evil.release");
        }
    }

    /** {@code System.exit(0)} needs a process of its own: the host must not exit 0 as if the run had completed. */
    @Test
    void systemExitZeroInPluginCodeIsNeverASuccess() throws Exception {
        Path out = work.resolve("out-exit");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--plugins-dir", plugins.toString(), "run", spec("evil-exit").toString(), "--out", out.toString(), "-q"));
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(err).isEqualTo(70);
        assertThat(err.lines().filter(l -> l.startsWith("gradlab: ")).toList()).singleElement().asString()
                .contains("evil.EvilActivation.forward (plugin jar evil.jar) called System.exit");
        assertThat(err).doesNotContain("\tat ");
        assertThat(onlyRun(out).resolve(RunFolder.SUMMARY)).doesNotExist();
    }

    @Test
    void aJarOwnedByAnotherUserIsWarnedAboutAndFatalWhenStrict() throws IOException {
        Path foreign = Files.createDirectories(work.resolve("foreign"));
        Path jar = Files.copy(plugins.resolve("evil.jar"), foreign.resolve("evil.jar"));
        Cli.Result own = Cli.run("--plugins-dir", foreign.toString(), "plugins");
        assertThat(own.code()).as(own.err()).isZero();
        assertThat(own.err()).doesNotContain("belongs to the user");
        try {
            Files.setOwner(jar, jar.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("only root can give a file to another user here: " + e.getMessage());
        }
        Cli.Result lenient = Cli.run("--plugins-dir", foreign.toString(), "plugins");
        assertThat(lenient.code()).as(lenient.err()).isZero();
        assertThat(lenient.errLines()).singleElement().asString().startsWith("gradlab: warning: ")
                .contains("plugin jar evil.jar belongs to the user 'nobody'").contains("chown");
        assertThat(lenient.out()).contains("evil-assert");
        Cli.Result strict = Cli.run("--plugins-dir", foreign.toString(), "--strict", "plugins");
        assertThat(strict.code()).isEqualTo(5);
        assertThat(strict.err()).contains("belongs to the user 'nobody'");
        assertNoStackTrace(strict);
    }

    private static Path onlyRun(Path out) throws IOException {
        try (Stream<Path> runs = Files.list(out)) {
            List<Path> all = runs.toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    private static final String IMPORTS = """
            import io.gradlab.api.*;
            import io.gradlab.api.nn.*;
            import io.gradlab.api.tensor.*;
            import java.util.List;
            """;

    static Map<String, String> sources() {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("evil.EvilActivation", "package evil;\n" + IMPORTS + """
                /** An activation that misbehaves in forward as its mode says. */
                public final class EvilActivation implements Activation {
                    private final String mode;
                    public EvilActivation(String mode) { this.mode = mode; }
                    @Override public void forward(Tensor x, Tensor y) {
                        switch (mode) {
                            case "overflow" -> recurse(0);
                            case "assert" -> { throw new AssertionError("evil"); }
                            case "exit" -> System.exit(0);
                            case "hang" -> {
                                while (!Boolean.getBoolean("evil.release")) {
                                    try { Thread.sleep(20); } catch (InterruptedException e) { /* ignores being asked to stop */ }
                                }
                                throw new IllegalStateException("released");
                            }
                            default -> y.copyFrom(x);
                        }
                        y.copyFrom(x);
                    }
                    private static int recurse(int n) { return recurse(n + 1) + 1; }
                    @Override public void backward(Tensor x, Tensor y, Tensor gradY, Tensor gradX) { gradX.copyFrom(gradY); }
                }
                """);
        sources.put("evil.EvilPlugin", "package evil;\n" + IMPORTS + """
                public final class EvilPlugin implements GradlabPlugin {
                    @Override public String apiVersion() { return ApiVersion.CURRENT; }
                    @Override public String name() { return "evil"; }
                    @Override public List<ComponentFactory<?>> components() {
                        return List.of(
                                ComponentFactory.of(ComponentKind.ACTIVATION, "evil-overflow", "overflows the stack", List.of(),
                                        p -> new EvilActivation("overflow")),
                                ComponentFactory.of(ComponentKind.ACTIVATION, "evil-assert", "fails an assertion", List.of(),
                                        p -> new EvilActivation("assert")),
                                ComponentFactory.of(ComponentKind.ACTIVATION, "evil-exit", "calls System.exit(0)", List.of(),
                                        p -> new EvilActivation("exit")),
                                ComponentFactory.of(ComponentKind.ACTIVATION, "evil-hang", "never returns", List.of(),
                                        p -> new EvilActivation("hang")));
                    }
                }
                """);
        return sources;
    }
}
