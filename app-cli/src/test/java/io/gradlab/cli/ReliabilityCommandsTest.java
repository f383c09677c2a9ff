package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.run.RunFolder;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.TrainingListener;
import io.gradlab.engine.weights.SafeTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --resume}, {@code export}, {@code predict} and {@code plugins --lock} through the CLI entry point. */
class ReliabilityCommandsTest {
    @TempDir
    Path dir;

    private static Path only(Path out) throws IOException {
        try (Stream<Path> runs = Files.list(out)) {
            return runs.findFirst().orElseThrow();
        }
    }

    private static String withoutTiming(Path run) throws IOException {
        return Files.readString(run.resolve(RunFolder.METRICS)).replaceAll("\"(seconds|samples_per_second)\":[^,}]+", "");
    }

    /** Stands for a kill: an Error escapes the runner, which writes no summary. */
    private static final class Killed extends Error {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void resumeFinishesAnInterruptedRunExactlyAsAnUninterruptedOne() throws IOException {
        Path spec = TinyCsv.spec(dir.resolve("spec"), 3);
        assertThat(Cli.run("run", spec.toString(), "--out", dir.resolve("full").toString(), "-q").code()).isZero();
        Path full = only(dir.resolve("full"));
        try {
            ExperimentRunner.withDefaultKernels(new PluginHost(PluginHostConfig.classpathOnly()).load())
                    .run(SpecLoader.load(spec, List.of()), RunOptions.writingTo(dir.resolve("cut")), new TrainingListener() {
                        @Override
                        public void onStep(int epoch, int step, int steps, double loss, double accuracy, double samplesPerSecond) {
                            if (epoch == 2 && step == 3) {
                                throw new Killed();
                            }
                        }
                    });
        } catch (Killed expected) {
            // the run folder keeps epoch 1 and its checkpoint
        }
        Path cut = only(dir.resolve("cut"));

        Cli.Result r = Cli.run("run", "--resume", cut.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("resuming from the checkpoint of epoch 1 of 3: training epochs 2 to 3", cut.toString());
        assertThat(withoutTiming(cut)).isEqualTo(withoutTiming(full));
        assertThat(Files.readAllBytes(cut.resolve(RunFolder.CHECKPOINT))).isEqualTo(Files.readAllBytes(full.resolve(RunFolder.CHECKPOINT)));

        Cli.Result again = Cli.run("run", "--resume", cut.toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.errLines()).singleElement().asString().startsWith("gradlab: run ").endsWith("is already complete (summary.json says completed): nothing to resume");
    }

    @Test
    void resumeTakesARunFolderInsteadOfASpec() {
        Cli.Result neither = Cli.run("run");
        assertThat(neither.code()).isEqualTo(2);
        assertThat(neither.errLines()).singleElement().asString().contains("needs a SPEC file, or --resume RUN_DIR");
        Cli.Result both = Cli.run("run", "x.yaml", "--resume", dir.toString());
        assertThat(both.errLines()).singleElement().asString().contains("give either a SPEC or --resume RUN_DIR, not both");
        Cli.Result set = Cli.run("run", "--resume", dir.toString(), "--set", "training.epochs=3");
        assertThat(set.code()).isEqualTo(2);
        assertThat(set.errLines()).singleElement().asString().contains("--set and --epochs cannot change it");
        Cli.Result notARun = Cli.run("run", "--resume", dir.toString());
        assertThat(notARun.code()).isEqualTo(2);
        assertThat(notARun.errLines()).singleElement().asString().contains("is not a run folder");
    }

    @Test
    void exportWritesPyTorchNamedSafetensorsAndNpz() throws IOException {
        Path spec = TinyCsv.spec(dir.resolve("spec"), 1);
        assertThat(Cli.run("run", spec.toString(), "--out", dir.resolve("runs").toString(), "-q").code()).isZero();
        Path run = only(dir.resolve("runs"));

        Cli.Result r = Cli.run("export", run.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote " + run.resolve("model.safetensors") + ": 6 tensors, the weights after epoch 1");
        SafeTensors.Contents c = SafeTensors.read(run.resolve("model.safetensors"));
        assertThat(c.entries().keySet()).containsExactly("layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias",
                "layers.4.weight", "layers.4.bias");
        assertThat(c.entries().get("layers.4.weight").dtype()).isEqualTo("F32");
        assertThat(c.entries().get("layers.4.weight").shape()).containsExactly(3, 12);

        Path npz = dir.resolve("w.npz");
        assertThat(Cli.run("export", run.toString(), "--format", "npz", "--out", npz.toString()).code()).isZero();
        assertThat(npz).isRegularFile();
        Cli.Result bad = Cli.run("export", run.toString(), "--format", "onnx");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.errLines()).containsExactly("gradlab: unknown weights format 'onnx'; use safetensors or npz");
    }

    @Test
    void predictGivesTheSameLogitsFromTheRunAndFromItsExportedWeights() throws IOException {
        Path spec = TinyCsv.spec(dir.resolve("spec"), 2);
        assertThat(Cli.run("run", spec.toString(), "--out", dir.resolve("runs").toString(), "-q").code()).isZero();
        Path run = only(dir.resolve("runs"));
        Path weights = dir.resolve("w.safetensors");
        assertThat(Cli.run("export", run.toString(), "--out", weights.toString()).code()).isZero();

        Path fromRun = dir.resolve("a.safetensors");
        Cli.Result r = Cli.run("predict", run.toString(), "--samples", "10", "--out", fromRun.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("logits [10, 3]");
        Path fromSpec = dir.resolve("b.safetensors");
        Cli.Result s = Cli.run("predict", spec.toString(), "--weights", weights.toString(), "--inputs", fromRun.toString(),
                "--out", fromSpec.toString());
        assertThat(s.code()).as(s.err()).isZero();

        var a = SafeTensors.read(fromRun);
        var b = SafeTensors.read(fromSpec);
        assertThat(a.entries().keySet()).containsExactly("inputs", "labels", "logits");
        assertThat(b.tensor("logits").floats()).containsExactly(a.tensor("logits").floats());
        Path untrained = dir.resolve("c.safetensors");
        assertThat(Cli.run("predict", spec.toString(), "--inputs", fromRun.toString(), "--out", untrained.toString()).code()).isZero();
        assertThat(SafeTensors.read(untrained).tensor("logits").floats()).isNotEqualTo(a.tensor("logits").floats());
    }

    /**
     * Batch norm's counter of training batches is exported as PyTorch keeps it (an int64 scalar {@code num_batches_tracked});
     * a run whose checkpoint predates the counter exports it as 0, and a weights file without it loads.
     */
    @Test
    void exportWritesBatchNormsCounterAsAnInt64Scalar() throws IOException {
        Path spec = TinyCsv.spec(dir.resolve("spec"), 2);
        assertThat(Cli.run("run", spec.toString(), "--set", "model.architecture.normalizer=batch-norm", "--out", dir.resolve("runs").toString(),
                "-q").code()).isZero();
        Path run = only(dir.resolve("runs"));

        Path weights = dir.resolve("w.safetensors");
        assertThat(Cli.run("export", run.toString(), "--out", weights.toString()).code()).isZero();
        SafeTensors.Contents c = SafeTensors.read(weights);
        assertThat(c.entries().keySet()).containsSubsequence("layers.1.weight", "layers.1.bias", "layers.1.running_mean",
                "layers.1.running_var", "layers.1.num_batches_tracked", "layers.3.weight");
        SafeTensors.Entry counter = c.entries().get("layers.1.num_batches_tracked");
        assertThat(counter.dtype()).isEqualTo("I64");
        assertThat(counter.shape()).isEmpty();
        assertThat(c.count("layers.1.num_batches_tracked")).isEqualTo(2 * 8); // 2 epochs of 8 batches of 240 samples
        assertThat(c.entries().get("layers.1.running_var").dtype()).isEqualTo("F32");

        Path npz = dir.resolve("w.npz");
        assertThat(Cli.run("export", run.toString(), "--format", "npz", "--out", npz.toString()).code()).isZero();
        byte[] npy = npzEntry(npz, "layers.4.num_batches_tracked.npy");
        String header = new String(npy, 10, npy.length - 18, java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(header).contains("'descr': '<i8'").contains("'shape': ()");
        assertThat(java.nio.ByteBuffer.wrap(npy, npy.length - 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(16);

        // a checkpoint written before batch norm kept the counter: export says 0, predict restores it
        Path checkpoint = run.resolve(RunFolder.CHECKPOINT);
        SafeTensors.Contents saved = SafeTensors.read(checkpoint);
        java.util.Map<String, io.gradlab.api.tensor.Tensor> old = new java.util.LinkedHashMap<>();
        saved.entries().keySet().stream().filter(n -> !n.endsWith(".num_batches_tracked")).forEach(n -> old.put(n, saved.tensor(n)));
        SafeTensors.write(checkpoint, saved.metadata(), old);
        Path oldWeights = dir.resolve("old.safetensors");
        assertThat(Cli.run("export", run.toString(), "--out", oldWeights.toString()).code()).isZero();
        SafeTensors.Contents fromOld = SafeTensors.read(oldWeights);
        assertThat(fromOld.count("layers.1.num_batches_tracked")).isZero();
        assertThat(fromOld.entries().keySet()).isEqualTo(c.entries().keySet());
        Path predicted = dir.resolve("p.safetensors");
        Cli.Result p = Cli.run("predict", run.toString(), "--samples", "5", "--out", predicted.toString());
        assertThat(p.code()).as(p.err()).isZero();

        // weights files with and without the counter load (PyTorch writes it; an older gradlab did not)
        old.keySet().removeIf(n -> n.startsWith("optimizer."));
        Path noCounter = dir.resolve("no-counter.safetensors");
        SafeTensors.write(noCounter, java.util.Map.of("format", "pt"), old);
        for (Path file : List.of(weights, noCounter)) {
            Cli.Result r = Cli.run("predict", spec.toString(), "--set", "model.architecture.normalizer=batch-norm", "--weights", file.toString(),
                    "--samples", "5", "--out", dir.resolve("q.safetensors").toString());
            assertThat(r.code()).as(file + ": " + r.err()).isZero();
            assertThat(SafeTensors.read(dir.resolve("q.safetensors")).tensor("logits").floats())
                    .containsExactly(SafeTensors.read(predicted).tensor("logits").floats());
        }
    }

    private static byte[] npzEntry(Path npz, String name) throws IOException {
        try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(Files.newInputStream(npz))) {
            for (java.util.zip.ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().equals(name)) {
                    return zip.readAllBytes();
                }
            }
        }
        throw new AssertionError(name + " is not in " + npz);
    }

    @Test
    void pluginsLockWritesTheHashesAndAChangedJarIsRefused() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path jar = plugins.resolve("nothing.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), new Manifest())) {
            out.putNextEntry(new java.util.zip.ZipEntry("readme.txt"));
            out.write("no plugin here".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Cli.Result lock = Cli.run("plugins", "--lock", "--plugins-dir", plugins.toString());
        assertThat(lock.code()).as(lock.err()).isZero();
        assertThat(lock.out()).containsPattern("(?m)^[0-9a-f]{64}  nothing\\.jar$").contains("wrote " + plugins.toAbsolutePath().normalize()
                .resolve("plugins.lock") + ": 1 jar(s)");

        Files.write(jar, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        Cli.Result strict = Cli.run("plugins", "--strict", "--plugins-dir", plugins.toString());
        assertThat(strict.code()).isEqualTo(5);
        assertThat(strict.err()).contains("plugin jar nothing.jar does not match").doesNotContain("\tat ");

        Cli.Result none = Cli.run("plugins", "--lock", "--plugins-dir", dir.resolve("missing").toString());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.errLines()).singleElement().asString().contains("does not exist");
    }

    @Test
    void runningOutOfMemoryIsOneLineWithTheHeapSizeAndTheFix() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stream = new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8);
        int code = Errors.outOfMemory(new OutOfMemoryError("Java heap space"), new Console(System.out, stream, false, false));
        assertThat(code).isEqualTo(70);
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList()).singleElement().asString()
                .startsWith("gradlab: out of memory (Java heap space, a Java heap of ").contains("JAVA_OPTS=-Xmx8g");
    }
}
