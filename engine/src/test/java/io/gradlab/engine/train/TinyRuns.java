package io.gradlab.engine.train;

import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.run.RunFolder;
import io.gradlab.engine.weights.SafeTensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/** A tiny classification problem written as CSV files next to a spec, for fast training tests. */
final class TinyRuns {
    private TinyRuns() {}

    /**
     * Writes {@code train.csv}, {@code test.csv} and {@code tiny.yaml} into {@code dir}: 240 training
     * and 60 test samples of 6 features in 3 classes, an MLP with two hidden layers, SGD with
     * momentum (so that a resume must restore the optimizer's state), {@code epochs} epochs.
     */
    static Path writeSpec(Path dir, int epochs, String extra) throws IOException {
        Files.createDirectories(dir);
        writeCsv(dir.resolve("train.csv"), 240, 1);
        writeCsv(dir.resolve("test.csv"), 60, 2);
        Path spec = dir.resolve("tiny.yaml");
        Files.writeString(spec, """
                name: tiny
                data:
                  source: {id: csv, path: train.csv, test-path: test.csv, normalize: standard}
                  validation: 30
                model:
                  architecture: {id: mlp, hidden: [16, 12], activation: tanh}
                training:
                  epochs: %d
                  batch-size: 32
                  optimizer: {id: sgd, lr: 0.05, momentum: 0.9}
                  seed: 11
                """.formatted(epochs) + extra);
        return spec;
    }

    private static void writeCsv(Path file, int rows, long seed) throws IOException {
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder("a,b,c,d,e,f,label\n");
        for (int r = 0; r < rows; r++) {
            int label = r % 3;
            for (int c = 0; c < 6; c++) {
                double center = (c % 3 == label ? 1.5 : 0) + c * 0.1;
                sb.append(String.format(Locale.ROOT, "%.5f,", center + random.nextGaussian()));
            }
            sb.append(label).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    /** The metrics lines without their timing fields. */
    static List<String> metricsWithoutTiming(Path run) throws IOException {
        return Files.readAllLines(run.resolve(RunFolder.METRICS)).stream()
                .map(l -> l.replaceAll("\"(seconds|samples_per_second)\":[^,}]+,?", ""))
                .toList();
    }

    /** summary.json without its timing field. */
    static String summaryWithoutTiming(Path run) throws IOException {
        return Files.readString(run.resolve(RunFolder.SUMMARY)).replaceAll("\"seconds\" : [^,}\\n]+", "");
    }

    /** Every tensor of the run's checkpoint as raw bits, by name. */
    static Map<String, List<Integer>> checkpointBits(Path run) {
        SafeTensors.Contents c = SafeTensors.read(run.resolve(RunFolder.CHECKPOINT));
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        for (String name : c.entries().keySet()) {
            Tensor t = c.tensor(name);
            float[] f = t.floats();
            Integer[] bits = new Integer[f.length];
            for (int i = 0; i < f.length; i++) {
                bits[i] = Float.floatToRawIntBits(f[i]);
            }
            out.put(name, List.of(bits));
        }
        return out;
    }
}
