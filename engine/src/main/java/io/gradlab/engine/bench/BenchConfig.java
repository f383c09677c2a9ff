package io.gradlab.engine.bench;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@link TrainingBenchmark} times: the reference workload (784 -> 7 x 128 sigmoid -> 10,
 * softmax cross-entropy, plain SGD, float32) on FashionMNIST at {@code batch} samples per step, or
 * the same with another activation.
 *
 * @param batch   samples per training step
 * @param epochs  timed epochs (when {@code steps == 0}); the median is reported
 * @param steps   steps per timed run instead of whole epochs ({@code 0}: whole epochs)
 * @param runs    timed runs of {@code steps} steps (only with {@code steps > 0})
 * @param dataDir a folder with the FashionMNIST IDX files; empty: the system folder, else the embedded subset
 * @param seed    the seed of initialization and shuffling
 * @param lr      the SGD learning rate
 * @param diagnostics whether the default diagnostics run, as in every {@code gradlab run} (true by
 *                default); false times the bare training step, the workload of the PyTorch reference
 * @param warmup  untimed warm-up runs before the timed ones; {@code 0} (the default): until the JIT
 *                compiler is quiet ({@link TrainingBenchmark#warmUp}), at least 1 and at most
 *                {@link #MAX_AUTO_WARMUP} runs
 * @param activation the hidden layers' activation id ({@code sigmoid} in the reference workload): any
 *                installed one, a plugin's included, to time it in a training step
 */
public record BenchConfig(int batch, int epochs, int steps, int runs, Optional<Path> dataDir, long seed, double lr, boolean diagnostics,
                          int warmup, String activation) {
    public static final int DEFAULT_BATCH = 512;
    public static final int DEFAULT_EPOCHS = 3;
    public static final int DEFAULT_RUNS = 5;
    /** The most warm-up runs an automatic warm-up ({@code warmup == 0}) makes. */
    public static final int MAX_AUTO_WARMUP = 10;

    public BenchConfig {
        requireNonNull(dataDir, "dataDir is null");
        requireNonNull(activation, "activation is null");
        check(activation.matches("[a-z][a-z0-9-]*"), "--activation must be an activation id such as sigmoid or relu, got '" + activation + "'");
        check(batch >= 1 && batch <= 65_536, "--batch must be in [1, 65536], got " + batch);
        check(epochs >= 1 && epochs <= 1000, "--epochs must be in [1, 1000], got " + epochs);
        check(steps >= 0 && steps <= 10_000_000, "--steps must be in [0, 10000000], got " + steps);
        check(runs >= 1 && runs <= 1000, "the number of runs must be in [1, 1000], got " + runs);
        check(lr > 0 && Double.isFinite(lr), "the learning rate must be positive, got " + lr);
        check(warmup >= 0 && warmup <= 1000, "--warmup must be in [0, 1000] (0: until the JIT compiler is quiet), got " + warmup);
    }

    /** The reference workload's activation. */
    public static final String DEFAULT_ACTIVATION = "sigmoid";

    /** Batch 512, 3 timed epochs, FashionMNIST from the system folder (or the embedded subset), seed 42, lr 0.01, sigmoid. */
    public static BenchConfig defaults() {
        return new BenchConfig(DEFAULT_BATCH, DEFAULT_EPOCHS, 0, DEFAULT_RUNS, Optional.empty(), 42, 0.01, true, 0, DEFAULT_ACTIVATION);
    }

    public BenchConfig withBatch(int newBatch) {
        return new BenchConfig(newBatch, epochs, steps, runs, dataDir, seed, lr, diagnostics, warmup, activation);
    }

    public BenchConfig withEpochs(int newEpochs) {
        return new BenchConfig(batch, newEpochs, 0, runs, dataDir, seed, lr, diagnostics, warmup, activation);
    }

    public BenchConfig withSteps(int newSteps) {
        return new BenchConfig(batch, epochs, newSteps, runs, dataDir, seed, lr, diagnostics, warmup, activation);
    }

    public BenchConfig withDataDir(Path dir) {
        return new BenchConfig(batch, epochs, steps, runs, Optional.of(dir), seed, lr, diagnostics, warmup, activation);
    }

    public BenchConfig withDiagnostics(boolean run) {
        return new BenchConfig(batch, epochs, steps, runs, dataDir, seed, lr, run, warmup, activation);
    }

    public BenchConfig withWarmup(int newWarmup) {
        return new BenchConfig(batch, epochs, steps, runs, dataDir, seed, lr, diagnostics, newWarmup, activation);
    }

    public BenchConfig withActivation(String id) {
        return new BenchConfig(batch, epochs, steps, runs, dataDir, seed, lr, diagnostics, warmup, id);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new GradlabException(GradlabException.Category.USAGE, message);
        }
    }
}
