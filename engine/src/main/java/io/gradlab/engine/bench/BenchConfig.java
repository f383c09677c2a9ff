package io.gradlab.engine.bench;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@link TrainingBenchmark} times: an experiment spec ({@code spec}), or without one the
 * reference workload (784 -> 7 x 128 sigmoid -> 10, softmax cross-entropy, plain SGD, float32, on
 * FashionMNIST), each through the training path of {@code gradlab run}.
 *
 * @param spec      the experiment spec file; empty: the reference workload
 * @param overrides {@code key=value} spec overrides, as {@code gradlab run --set} (applied in order)
 * @param batch     samples per training step; {@code 0}: the spec's {@code training.batch-size} (only with a spec)
 * @param epochs    timed epochs (when {@code steps == 0}); the median is reported
 * @param steps     steps per timed run instead of whole epochs ({@code 0}: whole epochs)
 * @param runs      timed runs of {@code steps} steps (only with {@code steps > 0})
 * @param dataDir   a data folder overriding the spec's, as {@code gradlab run --data}; for the reference workload
 *                  the FashionMNIST IDX files (empty: the system folder, else the embedded subset)
 * @param seed      the seed of initialization and shuffling of the reference workload (a spec has its own)
 * @param lr        the SGD learning rate of the reference workload (a spec has its own)
 * @param diagnostics whether the default diagnostics (and the spec's own) run, as in every {@code gradlab run}
 *                (true by default); false times the bare training step, the workload of the PyTorch reference
 * @param warmup    untimed warm-up runs before the timed ones; {@code 0} (the default): until the JIT
 *                  compiler is quiet ({@link TrainingBenchmark#quiet}), at least 1 and at most
 *                  {@link #MAX_AUTO_WARMUP} runs
 */
public record BenchConfig(Optional<Path> spec, List<String> overrides, int batch, int epochs, int steps, int runs, Optional<Path> dataDir,
                          long seed, double lr, boolean diagnostics, int warmup) {
    public static final int DEFAULT_BATCH = 512;
    public static final int DEFAULT_EPOCHS = 3;
    public static final int DEFAULT_RUNS = 5;
    /** The most warm-up runs an automatic warm-up ({@code warmup == 0}) makes. */
    public static final int MAX_AUTO_WARMUP = 10;

    public BenchConfig {
        requireNonNull(spec, "spec is null");
        overrides = List.copyOf(requireNonNull(overrides, "overrides is null"));
        requireNonNull(dataDir, "dataDir is null");
        check(batch >= (spec.isPresent() ? 0 : 1) && batch <= 65_536, "--batch must be in [1, 65536], got " + batch);
        check(epochs >= 1 && epochs <= 1000, "--epochs must be in [1, 1000], got " + epochs);
        check(steps >= 0 && steps <= 10_000_000, "--steps must be in [0, 10000000], got " + steps);
        check(runs >= 1 && runs <= 1000, "the number of runs must be in [1, 1000], got " + runs);
        check(lr > 0 && Double.isFinite(lr), "the learning rate must be positive, got " + lr);
        check(warmup >= 0 && warmup <= 1000, "--warmup must be in [0, 1000] (0: until the JIT compiler is quiet), got " + warmup);
    }

    /** The reference workload: batch 512, 3 timed epochs, FashionMNIST from the system folder (or the embedded subset), seed 42, lr 0.01. */
    public static BenchConfig defaults() {
        return new BenchConfig(Optional.empty(), List.of(), DEFAULT_BATCH, DEFAULT_EPOCHS, 0, DEFAULT_RUNS, Optional.empty(), 42, 0.01, true, 0);
    }

    /** Times {@code file} instead of the reference workload, at the spec's own batch size (until {@link #withBatch}). */
    public BenchConfig withSpec(Path file) {
        return new BenchConfig(Optional.of(file), overrides, 0, epochs, steps, runs, dataDir, seed, lr, diagnostics, warmup);
    }

    public BenchConfig withOverrides(List<String> newOverrides) {
        return new BenchConfig(spec, newOverrides, batch, epochs, steps, runs, dataDir, seed, lr, diagnostics, warmup);
    }

    public BenchConfig withBatch(int newBatch) {
        return new BenchConfig(spec, overrides, newBatch, epochs, steps, runs, dataDir, seed, lr, diagnostics, warmup);
    }

    public BenchConfig withEpochs(int newEpochs) {
        return new BenchConfig(spec, overrides, batch, newEpochs, 0, runs, dataDir, seed, lr, diagnostics, warmup);
    }

    public BenchConfig withSteps(int newSteps) {
        return new BenchConfig(spec, overrides, batch, epochs, newSteps, runs, dataDir, seed, lr, diagnostics, warmup);
    }

    public BenchConfig withDataDir(Path dir) {
        return new BenchConfig(spec, overrides, batch, epochs, steps, runs, Optional.of(dir), seed, lr, diagnostics, warmup);
    }

    public BenchConfig withDiagnostics(boolean run) {
        return new BenchConfig(spec, overrides, batch, epochs, steps, runs, dataDir, seed, lr, run, warmup);
    }

    public BenchConfig withWarmup(int newWarmup) {
        return new BenchConfig(spec, overrides, batch, epochs, steps, runs, dataDir, seed, lr, diagnostics, newWarmup);
    }

    /** The number of timed runs: {@code runs} runs of {@code steps} steps, or {@code epochs} epochs. */
    public int timedRuns() {
        return steps > 0 ? runs : epochs;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new GradlabException(GradlabException.Category.USAGE, message);
        }
    }
}
