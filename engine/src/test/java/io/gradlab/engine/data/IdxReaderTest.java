package io.gradlab.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsTheEmbeddedFilesFromTheClasspath() throws IOException {
        String name = "/" + FashionMnist.EMBEDDED_RESOURCE_DIR + "train-images-idx3-ubyte.gz";
        try (InputStream in = IdxReaderTest.class.getResourceAsStream(name)) {
            IdxFile images = IdxReader.read(in, name, IdxReader.IMAGE_RANK);
            assertThat(images.dims()).containsExactly(5000, 28, 28);
            assertThat(images.itemSize()).isEqualTo(784);
            assertThat(images.magic()).isEqualTo(0x00000803);
        }
    }

    @Test
    void roundTripsRawAndGzipFiles() {
        IdxFile images = TestData.images(7, 3, 4, 42);
        Path raw = dir.resolve("a-idx3-ubyte");
        Path gz = dir.resolve("a-idx3-ubyte.gz");
        IdxWriter.write(raw, images, false);
        IdxWriter.write(gz, images, true);

        for (Path file : new Path[] {raw, gz}) {
            IdxFile back = IdxReader.readImages(file);
            assertThat(back.dims()).containsExactly(7, 3, 4);
            assertThat(back.data()).isEqualTo(images.data());
            assertThat(back.source()).isEqualTo(file.toString());
        }
        assertThat(IdxReader.read(raw).rank()).isEqualTo(3);
    }

    @Test
    void detectsCompressionByContentNotByName() throws IOException {
        IdxFile labels = TestData.labels(10, 3);
        Path gzWithoutSuffix = dir.resolve("labels-idx1-ubyte");
        Path rawWithGzSuffix = dir.resolve("other-idx1-ubyte.gz");
        IdxWriter.write(gzWithoutSuffix, labels, true);
        IdxWriter.write(rawWithGzSuffix, labels, false);

        assertThat(Files.readAllBytes(gzWithoutSuffix)[0]).isEqualTo((byte) 0x1f);
        assertThat(IdxReader.readLabels(gzWithoutSuffix).data()).isEqualTo(labels.data());
        assertThat(IdxReader.readLabels(rawWithGzSuffix).data()).isEqualTo(labels.data());
    }

    @Test
    void unitFloatsAreScaledTo0To1() {
        IdxFile f = new IdxFile("x", new int[] {3}, new byte[] {0, (byte) 255, (byte) 51});
        assertThat(f.toUnitFloats()).containsExactly(0f, 1f, 0.2f);
    }

    @Test
    void wrongMagicNamesTheFileAndTheExpectedMagic() throws IOException {
        Path file = dir.resolve("train-images-idx3-ubyte");
        Files.write(file, new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0});
        expectDataError(() -> IdxReader.readImages(file))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("wrong magic number 0x504B0304")
                .hasMessageContaining("0x00000803");
    }

    @Test
    void unsupportedElementTypeIsNamed() throws IOException {
        Path file = dir.resolve("floats-idx1");
        Files.write(file, new byte[] {0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0});
        expectDataError(() -> IdxReader.readLabels(file))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("type 0x0D (32-bit float)")
                .hasMessageContaining("unsigned bytes (type 0x08)");
    }

    @Test
    void anImageFileWhereLabelsAreExpectedSaysTheFilesMayBeSwapped() {
        Path file = dir.resolve("train-images-idx3-ubyte");
        IdxWriter.write(file, TestData.images(2, 2, 2, 1), false);
        expectDataError(() -> IdxReader.readLabels(file))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("declares 3 dimensions")
                .hasMessageContaining("0x00000801")
                .hasMessageContaining("swapped");
    }

    @Test
    void truncatedRawFileSaysHowManyBytesAreMissing() throws IOException {
        Path file = dir.resolve("train-images-idx3-ubyte");
        IdxWriter.write(file, TestData.images(10, 28, 28, 3), false);
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length - 100));
        expectDataError(() -> IdxReader.readImages(file))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("truncated")
                .hasMessageContaining("10x28x28 = 7840 data bytes, but only 7740")
                .hasMessageContaining("download it again");
    }

    @Test
    void truncatedHeaderIsReported() throws IOException {
        Path file = dir.resolve("short");
        Files.write(file, new byte[] {0, 0, 8, 3, 0, 0});
        expectDataError(() -> IdxReader.readImages(file)).hasMessageContaining(file.toString()).hasMessageContaining("ends inside the header");
        Files.write(file, new byte[] {0, 0});
        expectDataError(() -> IdxReader.readImages(file)).hasMessageContaining("only 2 bytes long");
    }

    @Test
    void truncatedGzipStreamIsReportedWithoutAStackTraceInTheMessage() throws IOException {
        Path file = dir.resolve("train-images-idx3-ubyte.gz");
        IdxWriter.write(file, TestData.images(50, 28, 28, 4), true);
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length / 2));
        expectDataError(() -> IdxReader.readImages(file))
                .hasMessageContaining(file.toString())
                .hasMessageContaining("gzip stream ends early")
                .hasMessageNotContaining("Exception")
                .hasMessageNotContaining("\tat ");
    }

    @Test
    void gzipStreamCutAtAnyPointIsADataError() throws IOException {
        Path source = dir.resolve("src.gz");
        IdxWriter.write(source, TestData.images(20, 8, 8, 5), true);
        byte[] all = Files.readAllBytes(source);
        Path file = dir.resolve("cut.gz");
        for (int length : new int[] {2, 5, 11, all.length / 3, all.length - 9, all.length - 1}) {
            Files.write(file, Arrays.copyOf(all, length));
            expectDataError(() -> IdxReader.readImages(file)).hasMessageContaining(file.toString());
        }
    }

    @Test
    void corruptGzipDataIsReported() throws IOException {
        Path file = dir.resolve("bad.gz");
        IdxWriter.write(file, TestData.images(20, 8, 8, 5), true);
        byte[] all = Files.readAllBytes(file);
        for (int i = 12; i < 40; i++) {
            all[i] = (byte) 0xFF;
        }
        Files.write(file, all);
        expectDataError(() -> IdxReader.readImages(file)).hasMessageContaining(file.toString()).hasMessageContaining("gzip");
    }

    @Test
    void trailingBytesAreReported() throws IOException {
        Path raw = dir.resolve("labels-raw");
        IdxWriter.write(raw, TestData.labels(5, 2), false);
        Files.write(raw, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        expectDataError(() -> IdxReader.readLabels(raw)).hasMessageContaining("3 bytes more than its header declares");

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(new byte[] {0, 0, 8, 1, 0, 0, 0, 2, 1, 1, 7});
        expectDataError(() -> IdxReader.read(new ByteArrayInputStream(bytes.toByteArray()), "stream", 1))
                .hasMessageContaining("goes on after the 2 data bytes");
    }

    @Test
    void aHugeHeaderOnAShortStreamDoesNotAllocateIt() {
        byte[] header = {0, 0, 8, 3, 0, 0, (byte) 0xEA, 0x60, 0, 0, 0x7F, 0, 0, 0, 0x10, 0};
        expectDataError(() -> IdxReader.read(new ByteArrayInputStream(header), "stream", 3))
                .hasMessageContaining("more than gradlab can hold");
        byte[] plausible = {0, 0, 8, 3, 0, 0, 0x27, 0x10, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3};
        expectDataError(() -> IdxReader.read(new ByteArrayInputStream(plausible), "stream", 3))
                .hasMessageContaining("is truncated")
                .hasMessageContaining("10000x28x28 = 7840000 data bytes, but only 3");
    }

    @Test
    void labelsOutOfRangeNameTheItem() {
        IdxFile labels = new IdxFile("my-labels", new int[] {4}, new byte[] {1, 9, 10, 2});
        assertThat(IdxReader.labels(labels, 11)).containsExactly(1, 9, 10, 2);
        expectDataError(() -> IdxReader.labels(labels, 10))
                .hasMessageContaining("my-labels")
                .hasMessageContaining("label 10 of item 2 is outside 0..9");
        assertThat(IdxReader.labels(new IdxFile("b", new int[] {1}, new byte[] {(byte) 200}), 0)).containsExactly(200);
    }

    @Test
    void missingFileAndFolderAreDataErrors() {
        Path missing = dir.resolve("nope-idx1-ubyte");
        expectDataError(() -> IdxReader.readLabels(missing)).hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
        expectDataError(() -> IdxReader.readLabels(dir)).hasMessageContaining("is a folder");
    }

    @Test
    void countAndShapeChecks() {
        IdxFile images = TestData.images(4, 28, 28, 1);
        IdxFile labels = TestData.labels(5, 2);
        expectDataError(() -> IdxReader.requireSameCount(images, labels)).hasMessageContaining("4 images but 5 labels");
        expectDataError(() -> IdxReader.requireImageShape(TestData.images(2, 32, 32, 1), 28, 28, "FashionMNIST"))
                .hasMessageContaining("2x32x32")
                .hasMessageContaining("FashionMNIST images are 28x28");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> expectDataError(Runnable action) {
        return assertThatThrownBy(action::run)
                .isInstanceOf(GradlabException.class)
                .satisfies(e -> assertThat(((GradlabException) e).category()).isEqualTo(Category.DATA));
    }
}
