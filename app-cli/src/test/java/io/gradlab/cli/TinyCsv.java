package io.gradlab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/** A tiny CSV classification problem (240 + 60 samples, 6 features, 3 classes) and a spec training an MLP on it. */
final class TinyCsv {
    private TinyCsv() {}

    static Path spec(Path dir, int epochs) {
        try {
            Files.createDirectories(dir);
            csv(dir.resolve("train.csv"), 240, 1);
            csv(dir.resolve("test.csv"), 60, 2);
            return Specs.write(dir, "tiny.yaml", """
                    name: tiny
                    data:
                      source: {id: csv, path: train.csv, test-path: test.csv, normalize: standard}
                    model:
                      architecture: {id: mlp, hidden: [16, 12], activation: sigmoid}
                    training:
                      epochs: %d
                      batch-size: 32
                      optimizer: {id: sgd, lr: 0.1, momentum: 0.9}
                      seed: 5
                    """.formatted(epochs));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void csv(Path file, int rows, long seed) throws IOException {
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder("a,b,c,d,e,f,label\n");
        for (int r = 0; r < rows; r++) {
            int label = r % 3;
            for (int c = 0; c < 6; c++) {
                sb.append(String.format(Locale.ROOT, "%.5f,", (c % 3 == label ? 1.5 : 0) + random.nextGaussian()));
            }
            sb.append(label).append('\n');
        }
        Files.writeString(file, sb);
    }
}
