package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.engine.bench.BenchConfig;
import io.gradlab.engine.bench.BenchResult;
import io.gradlab.engine.bench.TrainingBenchmark;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.train.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gradlab bench}: times the reference workload (784 -> 7 x 128 sigmoid -> 10, softmax
 * cross-entropy, plain SGD, float32, FashionMNIST) through the real training path and prints the
 * median samples/s, GFLOP/s and which kernels ran; {@code --activation} times the same workload with
 * another activation (a plugin's included). The timing core is {@link TrainingBenchmark} in the engine.
 */
@Command(name = "bench",
        description = {"Time training of the reference workload: 784 -> 7 x 128 sigmoid -> 10, softmax cross-entropy, plain SGD",
                "(lr 0.01), float32, FashionMNIST (the embedded subset when the full data is not installed).",
                "Untimed warm-up runs until the JIT compiler is quiet, then the timed runs; prints the median samples/s,",
                "GFLOP/s (2mnk per matrix product:",
                "forward, input gradient, weight gradient) and the kernels used. The machine should be otherwise idle."},
        footer = {"", "Activations: --activation ID trains the same network with another installed activation (a plugin's from",
                "--plugins-dir included): the difference to the sigmoid's samples/s is what its forward and backward passes cost.",
                "", "Threads: --threads splits each large matrix product over that many threads (default: the cores when",
                "OpenBLAS is single-threaded or absent). OpenBLAS's own threads are set only by OPENBLAS_NUM_THREADS before",
                "the JVM starts; the gradlab launcher sets OPENBLAS_NUM_THREADS=1 unless it is set already."})
final class BenchCommand implements Callable<Integer> {
    private final Host host;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "512", description = "Samples per training step (default: ${DEFAULT-VALUE}).")
    int batch;

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
            description = "Untimed warm-up runs; 0 (default): until the JIT compiler spent at most 5% of a run compiling "
                    + "(1 to " + BenchConfig.MAX_AUTO_WARMUP + " runs).")
    int warmup;

    @Option(names = "--data", paramLabel = "DIR", description = "A folder with the FashionMNIST IDX files (default: "
            + "/usr/share/datasets/fashion-mnist, else the embedded subset).")
    Path data;

    @Option(names = "--activation", paramLabel = "ID", defaultValue = BenchConfig.DEFAULT_ACTIVATION,
            description = "The hidden layers' activation (default: ${DEFAULT-VALUE}, the reference workload).")
    String activation;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--no-diagnostics", description = "Time the bare training step, without the default diagnostics every run "
            + "has (the workload of bench/pytorch_reference.py).")
    boolean noDiagnostics;

    BenchCommand(Host host) {
        this.host = requireNonNull(host, "host is null");
    }

    @Override
    public Integer call() {
        if (threads < 0 || threads > 256) {
            throw new GradlabException(Category.USAGE, "--threads must be in [0, 256] (0: the default), got " + threads);
        }
        BenchConfig config = BenchConfig.defaults().withBatch(batch).withDiagnostics(!noDiagnostics).withWarmup(warmup)
                .withActivation(activation);
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
        if (!json) {
            console.out().println("gradlab bench: 784 -> 7 x 128 " + activation + " -> 10, SGD, float32, batch " + batch + "; kernels: "
                    + ops.describe());
            console.out().flush();
        }
        BenchResult result = new TrainingBenchmark(host.registry(), ops).run(config, line -> {
            if (!json) {
                console.err().println("  " + line);
                console.err().flush();
            }
        });
        if (json) {
            Map<String, Object> m = result.toMap();
            m.put("activation", activation);
            console.out().println(Json.line(m));
        } else {
            console.out().print(result.summary());
        }
        return 0;
    }
}
