package io.gradlab.engine.data;

import io.gradlab.api.data.DataContext;
import io.gradlab.api.tensor.RandomSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

/** Small IDX folders and a data context for the data tests. */
final class TestData {
    private TestData() {}

    /** A hand-written context: no random stream is needed by the file-based sources. */
    record Context(Optional<Path> dataDirOverride, Path specDir) implements DataContext {
        @Override
        public RandomSource random() {
            throw new UnsupportedOperationException("file datasets draw no random numbers");
        }
    }

    static IdxFile images(int count, int rows, int columns, long seed) {
        byte[] data = new byte[count * rows * columns];
        new Random(seed).nextBytes(data);
        return new IdxFile("images", new int[] {count, rows, columns}, data);
    }

    /** Labels {@code i % classes}. */
    static IdxFile labels(int count, int classes) {
        byte[] data = new byte[count];
        for (int i = 0; i < count; i++) {
            data[i] = (byte) (i % classes);
        }
        return new IdxFile("labels", new int[] {count}, data);
    }

    /** Writes an MNIST-style folder of {@code train} and {@code test} images of {@code rows x columns}. */
    static Path writeFolder(Path dir, int train, int test, int rows, int columns, int classes, boolean gzip) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String suffix = gzip ? ".gz" : "";
        IdxWriter.write(dir.resolve("train-images-idx3-ubyte" + suffix), images(train, rows, columns, 1), gzip);
        IdxWriter.write(dir.resolve("train-labels-idx1-ubyte" + suffix), labels(train, classes), gzip);
        IdxWriter.write(dir.resolve("t10k-images-idx3-ubyte" + suffix), images(test, rows, columns, 2), gzip);
        IdxWriter.write(dir.resolve("t10k-labels-idx1-ubyte" + suffix), labels(test, classes), gzip);
        return dir;
    }
}
