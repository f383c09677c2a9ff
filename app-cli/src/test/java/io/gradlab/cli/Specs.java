package io.gradlab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small experiment specs written to a test's temporary folder. */
final class Specs {
    private Specs() {}

    /** The tiny run: embedded FashionMNIST subset, mlp of depth 2 and width 16, 1 epoch, batch 256. */
    static String tiny(String subset, String activation, String lr) {
        return """
                name: tiny
                description: a fast CLI test run
                data:
                  source: {id: fashion-mnist, subset: %s}
                  validation: 0
                model:
                  architecture: {id: mlp, depth: 2, width: 16, activation: %s}
                  loss: softmax-cross-entropy
                training:
                  epochs: 1
                  batch-size: 256
                  optimizer: {id: sgd, lr: %s}
                  seed: 7
                """.formatted(subset, activation, lr);
    }

    static Path write(Path dir, String fileName, String content) {
        try {
            Path file = dir.resolve(fileName);
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path tinySpec(Path dir) {
        return write(dir, "tiny.yaml", tiny("embedded", "sigmoid", "0.1"));
    }
}
