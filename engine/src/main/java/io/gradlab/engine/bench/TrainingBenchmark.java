package io.gradlab.engine.bench;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.data.Dataset;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.tensor.Ops;
import io.gradlab.engine.data.FashionMnist;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.nn.Dense;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.TrainingListener;
import io.gradlab.engine.train.TrainingSession;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Times the reference workload through the real training path ({@link TrainingSession}, the same
 * components a spec resolves to): untimed warm-up runs until the JIT compiler is quiet
 * ({@link #warmUp}), then the timed runs; the figure is the median of the runs' training throughput
 * (the time of the training steps only, as in {@code metrics.jsonl}'s {@code samples_per_second};
 * evaluation is not timed).
 */
public final class TrainingBenchmark {
    /** The reference architecture, 784 -> 7 x 128 sigmoid -> 10 with PyTorch's default initialization, with {@code activation}. */
    static String architecture(String activation) {
        return "{id: mlp, depth: 7, width: 128, activation: " + activation + ", init: pytorch-default}";
    }

    private final ComponentRegistry registry;
    private final Ops ops;

    public TrainingBenchmark(ComponentRegistry registry, Ops ops) {
        this.registry = requireNonNull(registry, "registry is null");
        this.ops = requireNonNull(ops, "ops is null");
    }

    /** Runs the benchmark; {@code progress} gets a line per run. */
    public BenchResult run(BenchConfig config, Consumer<String> progress) {
        requireNonNull(config, "config is null");
        requireNonNull(progress, "progress is null");
        Workload w = prepare(config);
        int timed = config.steps() > 0 ? config.runs() : config.epochs();
        List<Double> warmup = warmUp(w, config.warmup(), progress);
        List<Double> rates = new ArrayList<>();
        List<Double> cpuRates = new ArrayList<>();
        EpochMetrics last = null;
        for (int i = 0; i < timed; i++) {
            long cpu = processCpuNanos();
            last = w.runOnce();
            cpuRates.add(w.samplesPerRun() / Math.max(1e-9, (processCpuNanos() - cpu) / 1e9));
            rates.add(last.samplesPerSecond());
            progress.accept(String.format(Locale.ROOT, "run %d/%d: %,.0f samples/s", i + 1, timed, last.samplesPerSecond()));
        }
        double median = median(rates);
        long flops = flopsPerSample(w.session().model());
        String kernels = ops instanceof BlasOps b ? b.describe() : ops.backend();
        int threads = ops instanceof BlasOps b ? b.threads() : 1;
        return new BenchResult(median, median * flops / 1e9, flops, ops.backend(), kernels, threads, config.batch(), w.samplesPerRun(),
                w.data(), w.embedded(), rates, median(cpuRates), last.trainLoss(), w.diagnostics(), warmup);
    }

    /**
     * The share of a warm-up run's wall time below which the JIT compiler's time in that run counts
     * as quiet: the compiled code is then what the timed runs will run. Until then the compiler
     * threads take CPU from the training threads (on 2 cores, up to half of one), and per-step code
     * still runs in its first, profiling tier.
     */
    static final double QUIET_SHARE = 0.05;

    /**
     * The untimed warm-up: {@code fixed} runs, or with {@code fixed == 0} runs until one in which the
     * JIT compiler spent at most {@link #QUIET_SHARE} of the run's time compiling (at least 1, at most
     * {@link BenchConfig#MAX_AUTO_WARMUP} runs; 3 where the JVM does not report compilation time).
     * Returns the warm-up runs' samples/s.
     */
    static List<Double> warmUp(Workload w, int fixed, Consumer<String> progress) {
        var jit = ManagementFactory.getCompilationMXBean();
        boolean measurable = jit != null && jit.isCompilationTimeMonitoringSupported();
        int most = fixed > 0 ? fixed : measurable ? BenchConfig.MAX_AUTO_WARMUP : 3;
        List<Double> rates = new ArrayList<>();
        for (int i = 0; i < most; i++) {
            long compiled = measurable ? jit.getTotalCompilationTime() : 0;
            long start = System.nanoTime();
            double rate = w.runOnce().samplesPerSecond();
            long nanos = System.nanoTime() - start;
            long compileMillis = measurable ? jit.getTotalCompilationTime() - compiled : -1;
            rates.add(rate);
            progress.accept(compileMillis < 0 ? String.format(Locale.ROOT, "warm-up %d: %,.0f samples/s", i + 1, rate)
                    : String.format(Locale.ROOT, "warm-up %d: %,.0f samples/s (JIT compiling %d ms of %d ms)", i + 1, rate, compileMillis,
                            nanos / 1_000_000));
            if (fixed == 0 && measurable && quiet(compileMillis, nanos)) {
                break;
            }
        }
        return rates;
    }

    /** Whether {@code compileMillis} of JIT compilation during a run of {@code runNanos} is quiet ({@link #QUIET_SHARE}). */
    static boolean quiet(long compileMillis, long runNanos) {
        return compileMillis * 1e6 <= QUIET_SHARE * runNanos;
    }

    /** The workload built and ready to train: one {@link #runOnce()} is one timed run (an epoch, or {@code steps} steps). */
    public Workload prepare(BenchConfig config) {
        requireNonNull(config, "config is null");
        boolean embedded = config.dataDir().isEmpty() && !FashionMnist.isPresent(FashionMnist.SYSTEM_DIR);
        ExperimentSpec spec = SpecLoader.parse(yaml(config, embedded), "bench.yaml", Path.of("."), List.of());
        RunOptions options = new RunOptions(Path.of("."), config.dataDir(), false);
        ExperimentRunner runner = new ExperimentRunner(registry, ops);
        ExperimentRunner.Prepared prepared = runner.prepare(runner.resolve(spec), options);
        TrainingSession.Parts p = prepared.parts();
        Dataset train = config.steps() > 0 ? cycled(p.train(), config.steps() * config.batch()) : p.train();
        // evaluation is not timed, and one sample keeps it out of the way
        Dataset test = p.test().subset("bench-test", new int[] {0});
        TrainingSession.Parts parts = new TrainingSession.Parts(p.dtype(), p.ops(), p.random(), p.buildContext(), p.builder(), p.model(),
                p.loss(), p.optimizer(), p.transforms(), config.diagnostics() ? p.diagnostics() : List.of(), train, null, test,
                Integer.MAX_VALUE, config.batch());
        List<EpochMetrics> epochs = new ArrayList<>();
        TrainingSession session = new TrainingSession(parts, TrainingListener.NONE, epochs::add);
        List<String> diagnostics = config.diagnostics() ? runner.defaultDiagnostics() : List.of();
        return new Workload(session, epochs, train.size(), prepared.dataDescription(), embedded, diagnostics);
    }

    /** A prepared workload; not thread-safe. */
    public static final class Workload {
        private final TrainingSession session;
        private final List<EpochMetrics> epochs;
        private final int samplesPerRun;
        private final String data;
        private final boolean embedded;
        private final List<String> diagnostics;

        Workload(TrainingSession session, List<EpochMetrics> epochs, int samplesPerRun, String data, boolean embedded,
                 List<String> diagnostics) {
            this.session = session;
            this.epochs = epochs;
            this.samplesPerRun = samplesPerRun;
            this.data = data;
            this.embedded = embedded;
            this.diagnostics = List.copyOf(diagnostics);
        }

        /** The ids of the diagnostics that run with the steps (empty: none). */
        public List<String> diagnostics() {
            return diagnostics;
        }

        /** Trains one run (an epoch of the benchmark's data) and returns its metrics. */
        public EpochMetrics runOnce() {
            session.trainEpoch(null);
            EpochMetrics m = epochs.get(epochs.size() - 1);
            epochs.clear();
            return m;
        }

        public TrainingSession session() {
            return session;
        }

        public int samplesPerRun() {
            return samplesPerRun;
        }

        public String data() {
            return data;
        }

        public boolean embedded() {
            return embedded;
        }
    }

    /** The CPU time of the whole process (every thread), or 0 where the JVM cannot tell. */
    private static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? Math.max(0, sun.getProcessCpuTime()) : 0;
    }

    static String yaml(BenchConfig config, boolean embedded) {
        String source = embedded ? "{id: fashion-mnist, subset: embedded}"
                : config.dataDir().isPresent() ? "{id: fashion-mnist, subset: full}" : "{id: fashion-mnist, subset: auto}";
        return """
                name: bench
                data:
                  source: %s
                  validation: 0
                model:
                  architecture: %s
                  loss: softmax-cross-entropy
                training:
                  epochs: 1
                  batch-size: %d
                  optimizer: {id: sgd, lr: %s}
                  seed: %d
                """.formatted(source, architecture(config.activation()), config.batch(), Double.toString(config.lr()), config.seed());
    }

    /** {@code count} samples cycling through {@code data} in order. */
    private static Dataset cycled(Dataset data, int count) {
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            idx[i] = i % data.size();
        }
        return data.subset(data.name(), idx);
    }

    /**
     * {@code 2 m n k} per sample over the dense layers' products: forward, weight gradient and (but
     * for the first layer, whose input gradient is not needed) input gradient.
     */
    public static long flopsPerSample(Layer model) {
        List<Dense> dense = new ArrayList<>();
        collectDense(model, dense);
        long flops = 0;
        for (int i = 0; i < dense.size(); i++) {
            long mn = (long) dense.get(i).weight().value().rows() * dense.get(i).weight().value().cols();
            flops += 2 * mn * (i == 0 ? 2 : 3);
        }
        return flops;
    }

    private static void collectDense(Layer layer, List<Dense> out) {
        if (layer instanceof Dense d) {
            out.add(d);
        }
        for (Layer child : layer.children()) {
            collectDense(child, out);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
