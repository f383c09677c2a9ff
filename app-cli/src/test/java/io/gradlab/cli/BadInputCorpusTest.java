package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.run.RunFolder;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.TrainingListener;
import io.gradlab.engine.weights.SafeTensors;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus through the real entry point ({@link Main#execute}): the spec files of
 * {@code engine/src/test/resources/bad-input/specs} (listed with their exit codes and messages in its
 * {@code cases.tsv}) and binary files made here (IDX data, weight files, checkpoints, plugin jars).
 * Each fatal case must give one line on stderr naming the problem, the expected non-zero exit code
 * and no stack trace; and the output folder, which holds a finished and an interrupted run, must be
 * byte for byte as it was.
 */
class BadInputCorpusTest {
    private static final Path CORPUS = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent()
            .resolve("engine/src/test/resources/bad-input");

    @TempDir
    static Path shared;

    private static Path out;
    private static Path interrupted;
    private static Path specDir;
    private static Map<String, String> before;

    @TempDir
    Path dir;

    /** Stands for a kill: an Error escapes the runner, which writes no summary. */
    private static final class Killed extends Error {
        private static final long serialVersionUID = 1L;
    }

    @BeforeAll
    static void outputFolderWithAFinishedAndAnInterruptedRun() throws IOException {
        out = shared.resolve("runs");
        specDir = shared.resolve("spec");
        Path spec = TinyCsv.spec(specDir, 2);
        assertThat(Cli.run("run", spec.toString(), "--out", out.toString(), "-q").code()).isZero();
        try {
            ExperimentRunner.withDefaultKernels(new PluginHost(PluginHostConfig.classpathOnly()).load())
                    .run(SpecLoader.load(spec, List.of()), RunOptions.writingTo(out), new TrainingListener() {
                        @Override
                        public void onStep(int epoch, int step, int steps, double loss, double accuracy, double samplesPerSecond) {
                            if (epoch == 2 && step == 2) {
                                throw new Killed();
                            }
                        }
                    });
        } catch (Killed expected) {
            // a run folder with the checkpoint of epoch 1 and no summary
        }
        try (Stream<Path> runs = Files.list(out)) {
            interrupted = runs.filter(r -> !Files.exists(r.resolve(RunFolder.SUMMARY))).findFirst().orElseThrow();
        }
        assertThat(interrupted.resolve(RunFolder.CHECKPOINT)).isRegularFile();
        before = snapshot(out);
        assertThat(before).hasSizeGreaterThanOrEqualTo(10);
    }

    @AfterEach
    void theOutputFolderIsUntouched() {
        assertThat(snapshot(out)).isEqualTo(before);
    }

    /** Every file under {@code root}: relative path to SHA-256. */
    static Map<String, String> snapshot(Path root) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                files.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir" : HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

    static void assertFatal(Cli.Result r, int exit, String fragment) {
        assertThat(r.code()).as("exit code; stderr: %s", r.err()).isEqualTo(exit);
        assertThat(r.errLines()).as("stderr").singleElement().asString().startsWith("gradlab: ").contains(fragment);
        assertNoStackTrace(r);
    }

    static void assertNoStackTrace(Cli.Result r) {
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception in thread").doesNotContain("Caused by");
        assertThat(r.out()).doesNotContain("\tat ");
    }

    static Stream<Arguments> specFiles() throws IOException {
        return Files.readAllLines(CORPUS.resolve("specs/cases.tsv")).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("\t"))
                .map(c -> Arguments.of(c[0], Integer.parseInt(c[1]), c[2]));
    }

    @Test
    void everySpecFileOfTheCorpusIsListedInItsCases() throws IOException {
        List<String> listed = specFiles().map(a -> (String) a.get()[0]).toList();
        try (Stream<Path> files = Files.list(CORPUS.resolve("specs"))) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> !n.equals("cases.tsv")))
                    .containsExactlyInAnyOrderElementsOf(listed);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specFiles")
    void badSpecFiles(String file, int exit, String fragment) {
        assertFatal(Cli.run("run", CORPUS.resolve("specs").resolve(file).toString(), "--out", out.toString()), exit, fragment);
    }

    static Stream<Arguments> generatedSpecs() {
        byte[] binary = new byte[4096];
        new java.util.Random(3).nextBytes(binary);
        byte[] big = ("name: big\ndescription: \"" + "x".repeat(1_100_000) + "\"\n").getBytes(StandardCharsets.UTF_8);
        byte[] latin1 = "name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        return Stream.of(
                Arguments.of("binary.yaml", binary, 3, "binary.yaml"),
                Arguments.of("oversized.yaml", big, 3, "oversized.yaml"),
                Arguments.of("latin1.yaml", latin1, 3, "latin1.yaml"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("generatedSpecs")
    void generatedSpecFiles(String name, byte[] content, int exit, String fragment) throws IOException {
        Path file = Files.write(dir.resolve(name), content);
        assertFatal(Cli.run("run", file.toString(), "--out", out.toString()), exit, fragment);
    }

    // ---- IDX data ----

    static byte[] idx(int type, int[] dims, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + Math.max(0, dataBytes));
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        for (int i = 0; i < dataBytes; i++) {
            b.put((byte) (i % 3));
        }
        return b.array();
    }

    static Stream<Arguments> idxDefects() {
        return Stream.of(
                Arguments.of("wrong magic", "train-images-idx3-ubyte", bytes(b -> b[0] = 0x12), "wrong magic number 0x12000803"),
                Arguments.of("truncated images", "train-images-idx3-ubyte", truncate(idx(8, new int[] {12, 4, 4}, 192), 100),
                        "the file is truncated"),
                Arguments.of("dimensions that do not match the data", "train-images-idx3-ubyte", idx(8, new int[] {12, 4, 5}, 192),
                        "header declares 12x4x5 = 240 data bytes, but only 192 follow"),
                Arguments.of("label file of another length", "train-labels-idx1-ubyte", idx(8, new int[] {11}, 11),
                        "12 images but 11 labels"),
                Arguments.of("test images of another size", "t10k-images-idx3-ubyte", idx(8, new int[] {6, 5, 5}, 150),
                        "training images are 4x4 but test images are 5x5"),
                Arguments.of("float elements", "train-images-idx3-ubyte", bytes(b -> b[2] = 0x0D), "declares elements of type 0x0D"),
                Arguments.of("empty file", "train-labels-idx1-ubyte", new byte[0], "train-labels-idx1-ubyte"));
    }

    private static byte[] bytes(Consumer<byte[]> edit) {
        byte[] b = idx(8, new int[] {12, 4, 4}, 192);
        edit.accept(b);
        return b;
    }

    private static byte[] truncate(byte[] b, int length) {
        return Arrays.copyOf(b, length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("idxDefects")
    void badIdxFolders(String what, String file, byte[] content, String fragment) throws IOException {
        Path data = Files.createDirectories(dir.resolve("idx"));
        Files.write(data.resolve("train-images-idx3-ubyte"), idx(8, new int[] {12, 4, 4}, 192));
        Files.write(data.resolve("train-labels-idx1-ubyte"), idx(8, new int[] {12}, 12));
        Files.write(data.resolve("t10k-images-idx3-ubyte"), idx(8, new int[] {6, 4, 4}, 96));
        Files.write(data.resolve("t10k-labels-idx1-ubyte"), idx(8, new int[] {6}, 6));
        Files.write(data.resolve(file), content);
        Path spec = Specs.write(dir, "idx.yaml", """
                name: idx
                data: {source: {id: idx, path: idx}}
                model: {architecture: {id: mlp, hidden: [8]}}
                training: {epochs: 1, batch-size: 4}
                """);
        Cli.Result r = Cli.run("run", spec.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(4);
        assertThat(r.errLines()).singleElement().asString().startsWith("gradlab: ").contains(file).contains(fragment);
        assertNoStackTrace(r);
    }

    // ---- weight files (model.weights and predict --weights) ----

    /** The tensors the tiny CSV model (6 -> 16 -> 12 -> 3) expects, filled with 0.01. */
    static Map<String, Tensor> tinyWeights() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        int[][] shapes = {{16, 6}, {16}, {12, 16}, {12}, {3, 12}, {3}};
        String[] names = {"layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias", "layers.4.weight", "layers.4.bias"};
        for (int i = 0; i < names.length; i++) {
            Tensor x = Tensor.zeros(DType.F32, shapes[i]);
            x.fill(0.01);
            t.put(names[i], x);
        }
        return t;
    }

    static Stream<Arguments> weightDefects() {
        Map<String, Tensor> wrongShape = tinyWeights();
        wrongShape.put("layers.2.weight", Tensor.zeros(DType.F32, 12, 10));
        Map<String, Tensor> torchNames = new LinkedHashMap<>();
        tinyWeights().forEach((k, v) -> torchNames.put(k.substring("layers.".length()), v));
        byte[] valid = SafeTensors.encode(Map.of(), tinyWeights());
        String header = new String(valid, StandardCharsets.ISO_8859_1);
        return Stream.of(
                Arguments.of("wrong shape", SafeTensors.encode(Map.of(), wrongShape), 3,
                        "tensor 'layers.2.weight' has the shape [12, 10] but layer 'hidden2' (dense) needs [12, 16]"),
                Arguments.of("wrong names", SafeTensors.encode(Map.of(), torchNames), 3,
                        "the tensor names do not match the model; missing: layers.0.weight"),
                Arguments.of("wrong dtype", header.replace("\"layers.4.bias\":{\"dtype\":\"F32\"", "\"layers.4.bias\":{\"dtype\":\"I32\"")
                        .getBytes(StandardCharsets.ISO_8859_1), 3, "tensor 'layers.4.bias' has dtype I32"),
                Arguments.of("truncated header", Arrays.copyOf(valid, 40), 4, "not a valid safetensors file"),
                Arguments.of("truncated data", Arrays.copyOf(valid, valid.length - 5), 4, "(the file is truncated)"),
                Arguments.of("a zip, not safetensors", new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0}, 4, "not a valid safetensors file"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("weightDefects")
    void badWeightFiles(String what, byte[] content, int exit, String fragment) throws IOException {
        Path spec = TinyCsv.spec(dir, 1);
        Path weights = Files.write(dir.resolve("w.safetensors"), content);
        Cli.Result run = Cli.run("run", spec.toString(), "--out", out.toString(), "--set", "model.weights=w.safetensors");
        assertFatal(run, exit, fragment);
        assertThat(run.errLines().get(0)).contains("model.weights: ");
        Cli.Result predict = Cli.run("predict", spec.toString(), "--weights", weights.toString(), "--out", dir.resolve("p.safetensors").toString());
        assertFatal(predict, exit, fragment);
        assertThat(dir.resolve("p.safetensors")).doesNotExist();
    }

    // ---- damaged run folders given to run --resume ----

    static Stream<Arguments> damagedRuns() {
        return Stream.of(
                Arguments.of("truncated checkpoint", (Consumer<Path>) run -> cut(run.resolve(RunFolder.CHECKPOINT), 100), 4,
                        "checkpoint.safetensors: not a valid safetensors file"),
                Arguments.of("foreign checkpoint", (Consumer<Path>) run -> SafeTensors.write(run.resolve(RunFolder.CHECKPOINT), Map.of(),
                        tinyWeights()), 4, "is not a gradlab checkpoint: its metadata does not say format: gradlab-checkpoint"),
                Arguments.of("checkpoint of another model", (Consumer<Path>) BadInputCorpusTest::renameATensor, 4,
                        "the run folder belongs to another model"),
                Arguments.of("garbage metrics line", (Consumer<Path>) run -> write(run.resolve(RunFolder.METRICS), "not json\n"), 4,
                        "line 1 is not valid JSON"),
                Arguments.of("edited spec", (Consumer<Path>) run -> append(run.resolve(RunFolder.SPEC), "# edited\n"), 4,
                        "was changed after the checkpoint of epoch 1"),
                Arguments.of("no run.json", (Consumer<Path>) run -> delete(run.resolve(RunFolder.RUN_INFO)), 2,
                        "is not a run folder"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damagedRuns")
    void damagedRunFoldersAreNotResumedAndNotChanged(String what, Consumer<Path> damage, int exit, String fragment) throws IOException {
        Path copy = dir.resolve("copy");
        copyTree(interrupted, copy);
        damage.accept(copy);
        Map<String, String> damaged = snapshot(copy);
        assertFatal(Cli.run("run", "--resume", copy.toString()), exit, fragment);
        assertThat(snapshot(copy)).isEqualTo(damaged);
    }

    @Test
    void anUndamagedCopyResumes() throws IOException {
        Path copy = dir.resolve("copy");
        copyTree(interrupted, copy);
        Cli.Result r = Cli.run("run", "--resume", copy.toString(), "-q");
        assertThat(r.code()).as(r.err()).isZero();
    }

    private static void renameATensor(Path run) {
        var c = SafeTensors.read(run.resolve(RunFolder.CHECKPOINT));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        c.entries().keySet().forEach(n -> tensors.put(n.equals("layers.0.bias") ? "layers.1.bias" : n, c.tensor(n)));
        SafeTensors.write(run.resolve(RunFolder.CHECKPOINT), c.metadata(), tensors);
    }

    // ---- plugin jars ----

    static Stream<Arguments> badJars() {
        return Stream.of(
                Arguments.of("corrupt zip", (JarMaker) jar -> Files.write(jar, "PK\3\4 not really a zip".getBytes(StandardCharsets.UTF_8)),
                        "plugin jar bad.jar is not a readable jar"),
                Arguments.of("service file naming a missing class", (JarMaker) jar -> jar(jar, "com.example.Missing", null),
                        "names com.example.Missing, but there is no such class"),
                Arguments.of("service file naming a class that is no plugin", (JarMaker) jar -> jar(jar, "java.lang.Object", null),
                        "plugin jar bad.jar contributes nothing"),
                Arguments.of("another API version", (JarMaker) jar -> jar(jar, "com.example.Missing", "1.0"),
                        "plugin jar bad.jar was built for gradlab API 1.0 but this gradlab speaks 2.4: rebuild it against gradlab-api 2.x"),
                Arguments.of("writable by others", (JarMaker) jar -> {
                    jar(jar, "com.example.Missing", null);
                    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));
                }, "plugin jar bad.jar is writable by other users (rw-rw-rw-) and was not loaded: fix it with chmod go-w"),
                Arguments.of("changed since it was locked", (JarMaker) jar -> {
                    jar(jar, "com.example.Missing", null);
                    io.gradlab.engine.registry.PluginLock.write(jar.getParent());
                    Files.write(jar, new byte[] {0}, StandardOpenOption.APPEND);
                }, "plugin jar bad.jar does not match"));
    }

    /** Writes a bad jar. Throwing constructors, static initializers and duplicate ids need compiled classes:
     *  engine's PluginHostTest builds those jars and checks their messages. */
    interface JarMaker {
        void make(Path jar) throws IOException;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badJars")
    void badPluginJarsAreReportedAndStrictModeMakesThemFatal(String what, JarMaker maker, String fragment) throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        maker.make(plugins.resolve("bad.jar"));
        Cli.Result lenient = Cli.run("plugins", "--plugins-dir", plugins.toString());
        assertThat(lenient.code()).as(lenient.err()).isZero();
        assertThat(lenient.errLines()).singleElement().asString().startsWith("gradlab: warning: ").contains(fragment);
        assertThat(lenient.out()).contains("sigmoid");
        assertNoStackTrace(lenient);

        Cli.Result strict = Cli.run("plugins", "--strict", "--plugins-dir", plugins.toString());
        assertThat(strict.code()).isEqualTo(5);
        assertThat(strict.errLines().get(0)).startsWith("gradlab: plugin loading failed (strict mode) with 1 problem(s)");
        assertThat(strict.err()).contains(fragment);
        assertNoStackTrace(strict);

        Cli.Result run = Cli.run("run", CORPUS.resolve("specs/unknown-dataset.yaml").toString(), "--strict",
                "--plugins-dir", plugins.toString(), "--out", out.toString());
        assertThat(run.code()).isEqualTo(5);
    }

    @Test
    void aPluginsFolderOthersCanWriteToIsFatalWithTheFix() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertFatal(Cli.run("plugins", "--plugins-dir", plugins.toString()), 5,
                "is writable by other users (rwxrwxrwx): anyone who can write there can run code as you, so gradlab loads no plugins"
                        + " from it; fix it with chmod go-w " + plugins.toAbsolutePath().normalize());
        assertFatal(Cli.run("plugins", "--lock", "--plugins-dir", plugins.toString()), 5, "chmod go-w");
        assertThat(plugins.resolve("plugins.lock")).doesNotExist();
    }

    @Test
    void aMalformedLockFileIsFatal() throws IOException {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        write(plugins.resolve("plugins.lock"), "deadbeef  x.jar\n");
        assertFatal(Cli.run("plugins", "--plugins-dir", plugins.toString()), 5,
                "plugins.lock: line 1 is not '<sha256>  <jar file name>': 'deadbeef  x.jar'");
    }

    // ---- outputs: never a device, a folder, a link or one of a run folder's own files ----

    private static Path finished() throws IOException {
        try (Stream<Path> runs = Files.list(out)) {
            return runs.filter(r -> Files.exists(r.resolve(RunFolder.SUMMARY))).findFirst().orElseThrow();
        }
    }

    static Stream<Arguments> ownFileOutputs() {
        return Stream.of(
                Arguments.of(List.of("export", "RUN", "--format", "npz", "--out", "RUN/checkpoint.safetensors")),
                Arguments.of(List.of("export", "RUN", "--out", "RUN/summary.json")),
                Arguments.of(List.of("predict", "RUN", "--out", "RUN/checkpoint.safetensors")),
                Arguments.of(List.of("report", "RUN", "--out", "RUN/metrics.jsonl")),
                Arguments.of(List.of("report", "RUN", "--out", "RUN/spec.resolved.yaml")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ownFileOutputs")
    void anOutputIsNeverOneOfARunFoldersOwnFiles(List<String> args) throws IOException {
        String run = finished().toString();
        Cli.Result r = Cli.run(args.stream().map(a -> a.replace("RUN", run)).toArray(String[]::new));
        assertFatal(r, 2, "is one of the run folder's own files");
        // the output folder (and so this run, still completed) is checked byte for byte after each test
    }

    @Test
    void anOutputIsNeverAPipeAFolderOrALinkAndNothingIsLeftBehind() throws Exception {
        String run = finished().toString();
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        for (String[] command : List.of(new String[] {"export", run, "--out", fifo.toString()},
                new String[] {"report", run, "--out", fifo.toString()},
                new String[] {"predict", run, "--out", fifo.toString()})) {
            assertFatal(Cli.run(command), 2, "is not a regular file (a device, pipe or socket)");
            assertThat(Files.isRegularFile(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        }
        Path folder = Files.createDirectories(dir.resolve("folder"));
        assertFatal(Cli.run("export", run, "--out", folder.toString()), 2, "is a folder");
        Path precious = Files.writeString(Files.createDirectories(dir.resolve("elsewhere")).resolve("precious"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("link.safetensors"), precious);
        assertFatal(Cli.run("export", run, "--out", link.toString()), 2, "is a symbolic link");
        assertThat(precious).hasContent("keep");
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void aTemporaryFileNameThatIsALinkIsNeverWrittenThroughOnResume() throws IOException {
        Path copy = dir.resolve("copy");
        copyTree(interrupted, copy);
        Path victim = Files.writeString(Files.createDirectories(dir.resolve("elsewhere")).resolve("victim"), "keep");
        Files.createSymbolicLink(copy.resolve(".checkpoint.safetensors.tmp"), victim);
        Files.createSymbolicLink(copy.resolve(".summary.json.tmp"), victim);
        Cli.Result r = Cli.run("run", "--resume", copy.toString(), "-q");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(victim).hasContent("keep");
        assertThat(copy.resolve(RunFolder.SUMMARY)).content().contains("\"completed\"");
    }

    // ---- resume validates everything before touching a file ----

    static Stream<Arguments> resumeRefusals() {
        return Stream.of(
                Arguments.of("checkpoint of another model, torn metrics line", (Consumer<Path>) run -> {
                    renameATensor(run);
                    append(run.resolve(RunFolder.METRICS), "{\"epoch\": 2, \"trai");
                }, 4, "the run folder belongs to another model"),
                Arguments.of("checkpoint that is a folder", (Consumer<Path>) run -> {
                    delete(run.resolve(RunFolder.CHECKPOINT));
                    mkdir(run.resolve(RunFolder.CHECKPOINT));
                    append(run.resolve(RunFolder.METRICS), "{\"epoch\": 2, \"trai");
                }, 4, "is not a regular file (a folder, a link or a device)"),
                Arguments.of("checkpoint that is a link", (Consumer<Path>) run -> {
                    Path moved = run.resolveSibling("moved.safetensors");
                    move(run.resolve(RunFolder.CHECKPOINT), moved);
                    link(run.resolve(RunFolder.CHECKPOINT), moved);
                }, 4, "is not a regular file"),
                Arguments.of("NaN learning rate", (Consumer<Path>) run -> editMetadata(run, "learning_rate", "NaN"), 4,
                        "its learning rate NaN is not a finite number"),
                Arguments.of("step count 2^63-1", (Consumer<Path>) run -> editMetadata(run, "step", Long.toString(Long.MAX_VALUE)), 4,
                        "its step count 9223372036854775807 is more than 1 epochs of"),
                Arguments.of("negative optimizer steps", (Consumer<Path>) run -> editMetadata(run, "optimizer_steps", "-1"), 4,
                        "its counters are not valid"),
                Arguments.of("infinite weight", (Consumer<Path>) BadInputCorpusTest::infiniteWeight, 4,
                        "its tensor 'layers.0.weight' holds NaN or infinite values"),
                Arguments.of("garbage run.json", (Consumer<Path>) run -> write(run.resolve(RunFolder.RUN_INFO), "{\"spec_dir\": \n]]"), 4,
                        "run.json is not valid JSON (line 2"),
                Arguments.of("run.json that is a pipe", (Consumer<Path>) run -> {
                    delete(run.resolve(RunFolder.RUN_INFO));
                    fifo(run.resolve(RunFolder.RUN_INFO));
                }, 4, "run.json ("),
                Arguments.of("setup never finished (a full disk)", (Consumer<Path>) run -> {
                    delete(run.resolve(RunFolder.RUN_INFO));
                    delete(run.resolve(RunFolder.SPEC));
                    delete(run.resolve(RunFolder.CHECKPOINT));
                    delete(run.resolve(RunFolder.METRICS));
                }, 2, "trained nothing: start it again with gradlab run SPEC"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resumeRefusals")
    void resumeRefusesBeforeChangingAnything(String what, Consumer<Path> damage, int exit, String fragment) throws IOException {
        Path copy = dir.resolve("copy");
        copyTree(interrupted, copy);
        damage.accept(copy);
        Map<String, String> damaged = snapshotNoFollow(copy);
        assertFatal(Cli.run("run", "--resume", copy.toString()), exit, fragment);
        assertThat(snapshotNoFollow(copy)).isEqualTo(damaged);
    }

    @Test
    void aRunStoppedBeforeItsFirstCheckpointResumesFromEpochOneToTheSameResult() throws IOException {
        Path copy = dir.resolve("copy");
        copyTree(interrupted, copy);
        delete(copy.resolve(RunFolder.CHECKPOINT));
        append(copy.resolve(RunFolder.METRICS), "{\"epoch\": 2, \"trai");
        Cli.Result r = Cli.run("run", "--resume", copy.toString(), "-q");
        assertThat(r.code()).as(r.err()).isZero();
        Path whole;
        try (Stream<Path> runs = Files.list(out)) {
            whole = runs.filter(x -> Files.exists(x.resolve(RunFolder.SUMMARY))).findFirst().orElseThrow();
        }
        assertThat(copy.resolve(RunFolder.CHECKPOINT)).hasSameBinaryContentAs(whole.resolve(RunFolder.CHECKPOINT));
    }

    // ---- success that is not: empty data ----

    static Stream<Arguments> emptyIdx() {
        return Stream.of(
                Arguments.of("0 training images", "train-images-idx3-ubyte", idx(8, new int[] {0, 4, 4}, 0), "train-labels-idx1-ubyte",
                        idx(8, new int[] {0}, 0), "holds 0 images: there is nothing to train on"),
                Arguments.of("0 test images", "t10k-images-idx3-ubyte", idx(8, new int[] {0, 4, 4}, 0), "t10k-labels-idx1-ubyte",
                        idx(8, new int[] {0}, 0), "holds 0 images: there is nothing to evaluate on"),
                Arguments.of("0x0-pixel images", "train-images-idx3-ubyte", idx(8, new int[] {12, 0, 0}, 0), "t10k-images-idx3-ubyte",
                        idx(8, new int[] {6, 0, 0}, 0), "declares images of 0x0 pixels"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("emptyIdx")
    void emptyDataIsAnErrorBeforeTraining(String what, String file1, byte[] content1, String file2, byte[] content2, String fragment)
            throws IOException {
        Path data = Files.createDirectories(dir.resolve("idx"));
        Files.write(data.resolve("train-images-idx3-ubyte"), idx(8, new int[] {12, 4, 4}, 192));
        Files.write(data.resolve("train-labels-idx1-ubyte"), idx(8, new int[] {12}, 12));
        Files.write(data.resolve("t10k-images-idx3-ubyte"), idx(8, new int[] {6, 4, 4}, 96));
        Files.write(data.resolve("t10k-labels-idx1-ubyte"), idx(8, new int[] {6}, 6));
        Files.write(data.resolve(file1), content1);
        Files.write(data.resolve(file2), content2);
        Path spec = Specs.write(dir, "idx.yaml", """
                name: idx
                data: {source: {id: idx, path: idx}}
                model: {architecture: {id: mlp, hidden: [8]}}
                training: {epochs: 1, batch-size: 4}
                """);
        Path runs = dir.resolve("runs");
        assertFatal(Cli.run("run", spec.toString(), "--out", runs.toString()), 4, fragment);
        assertThat(runs).doesNotExist();
    }

    @Test
    void aCsvWithOnlyAHeaderIsAnErrorBeforeTraining() throws IOException {
        Path spec = TinyCsv.spec(dir, 1);
        write(dir.resolve("test.csv"), "a,b,c,d,e,f,label\n");
        Path runs = dir.resolve("runs");
        Cli.Result r = Cli.run("run", spec.toString(), "--out", runs.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(4);
        assertThat(r.errLines()).singleElement().asString().startsWith("gradlab: ").contains("test.csv");
        assertNoStackTrace(r);
        assertThat(runs).doesNotExist();
    }

    // ---- bounded reads, whatever the kind of file ----

    @Test
    void readsAreBoundedForDevicesAndPipes() throws IOException {
        assertFatal(Cli.run("run", "/dev/zero", "--out", out.toString()), 3, "the spec file is too large (more than 1048576 bytes");
        Path spec = TinyCsv.spec(dir, 1);
        assertFatal(Cli.run("run", spec.toString(), "--out", out.toString(), "--set", "model.weights=/dev/zero"), 4,
                "the safetensors file is too large (more than 67108864 bytes");
        assertFatal(Cli.run("run", spec.toString(), "--out", out.toString(), "--set", "data.source.path=/dev/zero"), 4,
                "the CSV file is too large (more than 67108864 bytes");
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void aSpecFromAPipeStillWorks() throws Exception {
        Path spec = TinyCsv.spec(dir, 1);
        String text = Files.readString(spec).replace("train.csv", dir.resolve("train.csv").toString())
                .replace("test.csv", dir.resolve("test.csv").toString());
        Path fifo = dir.resolve("spec-pipe.yaml");
        fifo(fifo);
        Thread writer = new Thread(() -> write(fifo, text));
        writer.start();
        Path runs = dir.resolve("runs");
        Cli.Result r = Cli.run("run", fifo.toString(), "--out", runs.toString(), "-q");
        writer.join(10_000);
        assertThat(r.code()).as(r.err()).isZero();
    }

    // ---- terminal and messages ----

    static void assertNoControlCharacters(Cli.Result r) {
        assertThat(r.err().chars().filter(c -> c < 0x20 && c != '\n' || c == 0x7f || c >= 0x80 && c < 0xa0))
                .as("control characters on stderr: %s", r.err()).isEmpty();
    }

    /** A non-zero exit, one line, no stack trace, no control character. */
    static void assertOneCleanLine(Cli.Result r, String fragment) {
        assertThat(r.code()).as(r.err()).isNotZero();
        assertThat(r.errLines()).singleElement().asString().startsWith("gradlab: ").contains(fragment);
        assertNoStackTrace(r);
        assertNoControlCharacters(r);
    }

    @Test
    void controlCharactersFromInputAreEscapedInMessages() throws IOException {
        Path spec = TinyCsv.spec(dir, 1);
        String esc = "\u001b[2J\u001b[31m";
        assertOneCleanLine(Cli.run("run", spec.toString(), "--out", out.toString(), "--set", "name=a\u0000b" + esc),
                "name=a\\u0000b\\u001b[2J");
        assertOneCleanLine(Cli.run("run", spec.toString(), "--out", out.toString(), "--set", "name='a\u0000b" + esc + "'"),
                "\\u001b[2J");
        assertOneCleanLine(Cli.run("run", spec.toString(), "--out", out.toString(), "--set",
                "model.architecture.activation=sig" + esc + "moid"), "\\u001b[2J");
        Path inSpec = Specs.write(dir, "ctl.yaml", Files.readString(spec).replace("activation: sigmoid",
                "activation: \"x\\u001b]0;owned\\u0007\"").replace("name: tiny", "name: \"a\\u0000b\\u001b[31m\""));
        Cli.Result fromFile = Cli.run("run", inSpec.toString(), "--out", out.toString());
        assertThat(fromFile.code()).isEqualTo(3);
        assertOneCleanLine(fromFile, "\\u001b");
        assertOneCleanLine(Cli.run("run", dir.resolve("no\u001bsuch.yaml").toString(), "--out", out.toString()), "no\\u001bsuch.yaml");
    }

    @Test
    void anExplicitDataFolderIsNeverIgnoredSilently() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path spec = Specs.write(dir, "embedded.yaml", """
                name: embedded
                data: {source: {id: fashion-mnist, subset: embedded}}
                model: {architecture: {id: mlp, hidden: [8]}}
                training: {epochs: 1, batch-size: 512}
                """);
        assertFatal(Cli.run("run", spec.toString(), "--out", out.toString(), "--data", empty.toString()), 2,
                "spec's data source is fashion-mnist with subset: embedded, which never reads a folder");
    }

    @Test
    void aNonUtf8CsvSaysSoAndHowToFixIt() throws IOException {
        Path spec = TinyCsv.spec(dir, 1);
        write(dir.resolve("test.csv"), "a,b,c,d,e,f,caf\u00e9\n1,2,3,4,5,6,0\n".getBytes(StandardCharsets.ISO_8859_1));
        assertFatal(Cli.run("run", spec.toString(), "--out", out.toString()), 4, "is not UTF-8 text");
    }

    // ---- helpers ----

    static void jar(Path jar, String provider, String apiVersion) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (apiVersion != null) {
            manifest.getMainAttributes().putValue("Gradlab-Api-Version", apiVersion);
        }
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream z = new JarOutputStream(o, manifest)) {
            z.putNextEntry(new ZipEntry("META-INF/services/io.gradlab.api.GradlabPlugin"));
            z.write((provider + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    static void cut(Path file, int length) {
        try {
            write(file, Arrays.copyOf(Files.readAllBytes(file), length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text) {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void mkdir(Path dir) {
        try {
            Files.createDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void move(Path from, Path to) {
        try {
            Files.move(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void link(Path link, Path target) {
        try {
            Files.createSymbolicLink(link, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void fifo(Path file) {
        try {
            assertThat(new ProcessBuilder("mkfifo", file.toString()).start().waitFor()).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Rewrites the checkpoint with one metadata value changed. */
    static void editMetadata(Path run, String key, String value) {
        var c = SafeTensors.read(run.resolve(RunFolder.CHECKPOINT));
        Map<String, String> meta = new LinkedHashMap<>(c.metadata());
        meta.put(key, value);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        c.entries().keySet().forEach(n -> tensors.put(n, c.tensor(n)));
        SafeTensors.write(run.resolve(RunFolder.CHECKPOINT), meta, tensors);
    }

    static void infiniteWeight(Path run) {
        var c = SafeTensors.read(run.resolve(RunFolder.CHECKPOINT));
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        c.entries().keySet().forEach(n -> tensors.put(n, c.tensor(n)));
        tensors.get("layers.0.weight").set(0, Double.POSITIVE_INFINITY);
        SafeTensors.write(run.resolve(RunFolder.CHECKPOINT), c.metadata(), tensors);
    }

    /** Like {@link #snapshot} but describes links, pipes and folders by kind instead of following them. */
    static Map<String, String> snapshotNoFollow(Path root) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                String kind;
                if (Files.isSymbolicLink(p)) {
                    kind = "link -> " + Files.readSymbolicLink(p);
                } else if (Files.isDirectory(p)) {
                    kind = "dir";
                } else if (!Files.isRegularFile(p)) {
                    kind = "other";
                } else {
                    kind = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
                }
                files.put(root.relativize(p).toString(), kind);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

    static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
