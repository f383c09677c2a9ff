package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.engine.bench.BenchConfig;
import io.gradlab.engine.bench.BenchResult;
import io.gradlab.engine.bench.TrainingBenchmark;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.run.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gradlab bench [SPEC]}: times training of an experiment spec, or of the reference workload
 * (784 -> 7 x 128 sigmoid -> 10, softmax cross-entropy, plain SGD, float32, FashionMNIST), through
 * the training path of {@code gradlab run} with its default diagnostics, and prints the median
 * samples/s, GFLOP/s and which kernels ran. The timing core is {@link TrainingBenchmark} in the engine.
 */
@Command(name = "bench",
        header = "Time training of a spec (default: the reference workload): samples/s, GFLOP/s, kernels.",
        description = {"Time training of an experiment SPEC (YAML or JSON), or without one of the reference workload:",
                "784 -> 7 x 128 sigmoid -> 10, softmax cross-entropy, plain SGD (lr 0.01), float32, FashionMNIST (the embedded",
                "subset when the full data is not installed). The spec is loaded, validated and trained as by gradlab run, with",
                "the default diagnostics (no run folder). Untimed warm-up runs until the JIT compiler is quiet, then the timed runs;",
                "prints the median samples/s, GFLOP/s (2mnk per matrix product: forward, input gradient, weight gradient; unknown",
                "for models with other than dense weighted layers) and the kernels used. The machine should be otherwise idle."},
        footer = {"", "Threads: --threads splits each large matrix product over that many threads (default: the cores when",
                "OpenBLAS is single-threaded or absent). OpenBLAS's own threads are set only by OPENBLAS_NUM_THREADS before",
                "the JVM starts; the gradlab launcher sets OPENBLAS_NUM_THREADS=1 unless it is set already."})
final class BenchCommand implements Callable<Integer> {
    private final Host host;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC",
            description = "The experiment spec to time (.yaml, .yml or .json); default: the reference workload.")
    Path specFile;

    @Option(names = "--batch", paramLabel = "N",
            description = "Samples per training step (default: the spec's training.batch-size; " + BenchConfig.DEFAULT_BATCH
                    + " for the reference workload).")
    Integer batch;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a spec value, as gradlab run --set (repeatable, applied in order).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Threads a matrix product is split over; 0 (default): the engine's default.")
    int threads;

    @ArgGroup(exclusive = true)
    Length length = new Length();

    static final class Length {
        @Option(names = "--epochs", paramLabel = "N", description = "Timed epochs (default: " + BenchConfig.DEFAULT_EPOCHS + ").")
        Integer epochs;

        @Option(names = "--steps", paramLabel = "N",
                description = "Time runs of N steps instead of whole epochs (" + BenchConfig.DEFAULT_RUNS + " runs).")
        Integer steps;
    }

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "0",
            description = "Untimed warm-up runs; 0 (default): until the JIT compiler spent at most 5%% of a run compiling "
                    + "(1 to " + BenchConfig.MAX_AUTO_WARMUP + " runs).")
    int warmup;

    @Option(names = "--data", paramLabel = "DIR", description = "The data folder, overriding the spec's as gradlab run --data does; for "
            + "the reference workload the FashionMNIST IDX files (default: /usr/share/datasets/fashion-mnist, else the embedded subset).")
    Path data;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--no-diagnostics", description = "Time the bare training step, without the default diagnostics every run "
            + "has nor the spec's own (the workload of bench/pytorch_reference.py).")
    boolean noDiagnostics;

    BenchCommand(Host host) {
        this.host = requireNonNull(host, "host is null");
    }

    @Override
    public Integer call() {
        if (threads < 0 || threads > 256) {
            throw new GradlabException(Category.USAGE, "--threads must be in [0, 256] (0: the default), got " + threads);
        }
        BenchConfig config = BenchConfig.defaults().withDiagnostics(!noDiagnostics).withWarmup(warmup).withOverrides(overrides);
        if (specFile != null) {
            config = config.withSpec(specFile);
        }
        if (batch != null) {
            config = config.withBatch(batch);
        }
        if (length.steps != null) {
            if (length.steps < 1) {
                throw new GradlabException(Category.USAGE, "--steps must be positive, got " + length.steps);
            }
            config = config.withSteps(length.steps);
        } else if (length.epochs != null) {
            config = config.withEpochs(length.epochs);
        }
        if (data != null) {
            if (!Files.isDirectory(data)) {
                throw new GradlabException(Category.DATA, "--data " + data + " is not a folder; give the folder holding the four "
                        + "FashionMNIST IDX files (apt-get install dataset-fashion-mnist puts them in /usr/share/datasets/fashion-mnist)");
            }
            config = config.withDataDir(data);
        }
        BlasOps ops = BlasOps.create(System.getProperty("gradlab.blas", "auto"), threads);
        Console console = host.console();
        // the heading comes with the first progress line: a spec that fails to load prints nothing but its error
        String heading = "gradlab bench: " + (specFile == null ? "784 -> 7 x 128 sigmoid -> 10, SGD, float32" : specFile.toString())
                + (batch != null ? ", batch " + batch : specFile == null ? ", batch " + BenchConfig.DEFAULT_BATCH : "") + "; kernels: "
                + ops.describe();
        boolean[] headed = {false};
        BenchResult result = new TrainingBenchmark(host.registry(), ops).run(config, line -> {
            if (!json) {
                if (!headed[0]) {
                    console.out().println(heading);
                    console.out().flush();
                    headed[0] = true;
                }
                console.err().println("  " + line);
                console.err().flush();
            }
        });
        if (json) {
            console.out().println(Json.line(result.toMap()));
        } else {
            console.out().print(result.summary());
        }
        return 0;
    }
}
