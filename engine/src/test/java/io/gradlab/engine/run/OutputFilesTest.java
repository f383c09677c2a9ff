package io.gradlab.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.GradlabException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one output-writing path: exclusive temporary files, no links followed, only regular targets, no leftovers. */
class OutputFilesTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private long leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count();
        }
    }

    @Test
    void replacesARegularFileAndLeavesNoTemporaryFile() throws IOException {
        Path target = Files.writeString(dir.resolve("a.txt"), "old");
        OutputFiles.replace(target, bytes("new"));
        assertThat(target).hasContent("new");
        OutputFiles.replace(dir.resolve("b.txt"), bytes("fresh"));
        assertThat(dir.resolve("b.txt")).hasContent("fresh");
        assertThat(leftovers()).isZero();
    }

    @Test
    void aLinkAtTheTargetIsRefusedAndItsTargetIsUntouched() throws IOException {
        Path outside = Files.writeString(Files.createDirectories(dir.resolve("elsewhere")).resolve("precious"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("out.bin"), outside);
        assertThatThrownBy(() -> OutputFiles.replace(link, bytes("x"))).isInstanceOf(GradlabException.class)
                .hasMessageContaining("is a symbolic link");
        assertThat(outside).hasContent("keep");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(leftovers()).isZero();
    }

    @Test
    void aFolderOrAPipeAtTheTargetIsRefused() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("folder"));
        assertThatThrownBy(() -> OutputFiles.replace(folder, bytes("x"))).hasMessageContaining("is a folder");
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertThatThrownBy(() -> OutputFiles.replace(fifo, bytes("x"))).hasMessageContaining("is not a regular file");
        assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(leftovers()).isZero();
    }

    @Test
    void anOldFixedTemporaryNameThatIsALinkIsNeverWrittenThrough() throws IOException {
        Path outside = Files.writeString(Files.createDirectories(dir.resolve("elsewhere")).resolve("victim"), "keep");
        Files.createSymbolicLink(dir.resolve(".checkpoint.safetensors.tmp"), outside);
        OutputFiles.replace(dir.resolve("checkpoint.safetensors"), bytes("data"));
        assertThat(outside).hasContent("keep");
        assertThat(dir.resolve("checkpoint.safetensors")).hasContent("data");
    }

    @Test
    void theTemporaryFileIsRemovedWhenWritingFails() throws IOException {
        Path target = Files.writeString(dir.resolve("chart.png"), "old");
        assertThatThrownBy(() -> OutputFiles.replace(target, ".png", tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("No space left on device");
        })).isInstanceOf(GradlabException.class).hasMessageContaining("No space left on device");
        assertThat(target).hasContent("old");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("chart.png");
        }
    }

    @Test
    void aRunFolderWhoseSetUpFailedIsRemovedButNeverOneThatTrained() throws IOException {
        RunFolder setUpOnly = RunFolder.create(dir, "a", java.time.Clock.systemUTC());
        setUpOnly.writeAtomically(RunFolder.SPEC, "name: a\n");
        assertThat(setUpOnly.removeIfOnlySetUp()).isTrue();
        assertThat(setUpOnly.dir()).doesNotExist();
        RunFolder trained = RunFolder.create(dir, "b", java.time.Clock.systemUTC());
        trained.writeAtomically(RunFolder.SPEC, "name: b\n");
        trained.appendMetrics("{\"epoch\": 1}");
        trained.close();
        assertThat(trained.removeIfOnlySetUp()).isFalse();
        assertThat(trained.dir().resolve(RunFolder.METRICS)).isRegularFile();
    }

    @Test
    void userOutputsMayNotBeARunFoldersOwnFiles() throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve(RunFolder.RUN_INFO), "{}");
        for (String own : OutputFiles.RUN_FILES) {
            assertThatThrownBy(() -> OutputFiles.checkOutput(run.resolve(own), "--out")).isInstanceOf(GradlabException.class)
                    .hasMessageContaining("is one of the run folder's own files");
        }
        assertThat(OutputFiles.checkOutput(run.resolve("model.safetensors"), "--out")).isEqualTo(run.resolve("model.safetensors"));
        // the same names elsewhere are fine
        assertThat(OutputFiles.checkOutput(dir.resolve(RunFolder.METRICS), "--out")).isEqualTo(dir.resolve(RunFolder.METRICS));
        assertThatThrownBy(() -> OutputFiles.replace(dir.resolve("missing/x.html"), bytes("x")))
                .hasMessageContaining("no such file or folder").hasMessageContaining("check that the folder exists");
    }
}
