package io.gradlab.engine.bench;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.data.Dataset;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Ops;
import io.gradlab.engine.data.FashionMnist;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.nn.Dense;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.spec.TrainingSpec;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.TrainingListener;
import io.gradlab.engine.train.TrainingSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Times training of an experiment spec, or of the reference workload, through the real training path
 * of {@code gradlab run} (spec loading and validation, data, components, the training session with
 * its default diagnostics; {@link TimedTraining}): untimed warm-up runs until the JIT compiler is
 * quiet ({@link #quiet}), then the timed runs; the figure is the median of the runs' training
 * throughput (the time of the training steps only, as in {@code metrics.jsonl}'s
 * {@code samples_per_second}; evaluation is not timed).
 */
public final class TrainingBenchmark {
    /** The reference architecture: 784 -> 7 x 128 sigmoid -> 10 with PyTorch's default initialization. */
    public static final String ARCHITECTURE = "{id: mlp, depth: 7, width: 128, activation: sigmoid, init: pytorch-default}";
    /** The name of the reference workload in results. */
    public static final String REFERENCE = "reference";

    private final ComponentRegistry registry;
    private final Ops ops;

    public TrainingBenchmark(ComponentRegistry registry, Ops ops) {
        this.registry = requireNonNull(registry, "registry is null");
        this.ops = requireNonNull(ops, "ops is null");
    }

    /**
     * Runs the benchmark; {@code progress} gets a line per run.
     *
     * @throws GradlabException as {@code gradlab run} would for the spec (a missing or bad spec, bad data), and
     *                          {@code USAGE} for options that do not fit the workload
     */
    public BenchResult run(BenchConfig config, Consumer<String> progress) {
        requireNonNull(config, "config is null");
        requireNonNull(progress, "progress is null");
        boolean embeddedReference = config.spec().isEmpty() && config.dataDir().isEmpty() && !FashionMnist.isPresent(FashionMnist.SYSTEM_DIR);
        ExperimentSpec spec = load(config, embeddedReference);
        int batch = spec.training().batchSize();
        TimedTraining timed = new TimedTraining(config, batch, progress);
        ExperimentRunner runner = new ExperimentRunner(timed.registry(registry, config.diagnostics()), ops);
        List<String> diagnostics = config.diagnostics() ? diagnostics(spec, runner.defaultDiagnostics()) : List.of();
        List<Double> coreRoundTrips = new ArrayList<>();
        CoreProbe.roundTripNanos().ifPresent(coreRoundTrips::add);
        timed.run(runner, TimedTraining.timedSpec(spec, config.diagnostics()));
        CoreProbe.roundTripNanos().ifPresent(coreRoundTrips::add);

        List<String> notes = new ArrayList<>();
        boolean embedded = timed.data().contains("embedded subset");
        boolean askedForSubset = config.spec().isPresent() && "embedded".equals(String.valueOf(spec.data().source().params().get("subset")));
        if (embedded && !askedForSubset) {
            notes.add("the full FashionMNIST is not installed, so this timed the embedded subset (apt-get install dataset-fashion-mnist, or --data DIR,"
                    + (config.spec().isEmpty() ? " for the reference workload)" : " for the spec's data)"));
        }
        String strategy = spec.training().strategy().id().value();
        if (!strategy.equals(TrainingSpec.DEFAULT_STRATEGY)) {
            notes.add("the spec's training strategy '" + strategy + "' was not run: the benchmark times plain epochs of the model it starts with");
        }
        double median = median(timed.rates());
        OptionalLong flops = flopsPerSample(timed.model());
        String kernels = BlasOps.describe(ops);
        int threads = ops.threads();
        return new BenchResult(config.spec().isEmpty() ? REFERENCE : spec.name(), config.spec().map(Path::toString).orElse(null), spec.description(),
                median, flops, ops.backend(), kernels, threads, batch, timed.samplesPerRun(), timed.data(), embedded, timed.rates(),
                median(timed.cpuRates()), timed.finalLoss(), diagnostics, timed.warmup(), notes, coreRoundTrips);
    }

    /** The spec as {@code gradlab run} loads it, with {@code --set} and {@code --batch} applied; or the reference workload's. */
    static ExperimentSpec load(BenchConfig config, boolean embeddedReference) {
        ExperimentSpec spec = config.spec().isPresent() ? SpecLoader.load(config.spec().get(), config.overrides())
                : SpecLoader.parse(yaml(config, embeddedReference), REFERENCE + ".yaml", Path.of("."), config.overrides());
        if (config.batch() == 0 || config.batch() == spec.training().batchSize()) {
            return spec;
        }
        TrainingSpec t = spec.training();
        return new ExperimentSpec(spec.name(), spec.description(), spec.data(), spec.model(), new TrainingSpec(t.epochs(), config.batch(), t.optimizer(),
                t.gradientTransforms(), t.strategy(), t.seed(), t.dtype(), t.threads(), t.checkpoint()), spec.diagnostics(), spec.baseDir());
    }

    /** The spec's diagnostics, then the defaults it does not list: the order of {@code ExperimentRunner}. */
    private static List<String> diagnostics(ExperimentSpec spec, List<String> defaults) {
        Set<String> ids = new LinkedHashSet<>();
        spec.diagnostics().forEach(d -> ids.add(d.id().value()));
        ids.addAll(defaults);
        return List.copyOf(ids);
    }

    /**
     * The share of a warm-up run's wall time below which the JIT compiler's time in that run counts
     * as quiet: the compiled code is then what the timed runs will run. Until then the compiler
     * threads take CPU from the training threads (on 2 cores, up to half of one), and per-step code
     * still runs in its first, profiling tier.
     */
    static final double QUIET_SHARE = 0.05;

    /** Whether {@code compileMillis} of JIT compilation during a run of {@code runNanos} is quiet ({@link #QUIET_SHARE}). */
    static boolean quiet(long compileMillis, long runNanos) {
        return compileMillis * 1e6 <= QUIET_SHARE * runNanos;
    }

    /**
     * The reference workload built and ready to train, pulled one run at a time (for JMH's
     * {@code TrainingStepBenchmark}): one {@link #runOnce()} is one timed run (an epoch, or
     * {@code steps} steps). {@link #run} is the benchmark of {@code gradlab bench}.
     */
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
        TrainingSession.Parts parts = new TrainingSession.Parts(p.dtype(), p.ops(), p.random(), p.buildContext(), p.builder(), p.model(), p.copies(),
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

    static String yaml(BenchConfig config, boolean embedded) {
        String source = embedded ? "{id: fashion-mnist, subset: embedded}"
                : config.dataDir().isPresent() ? "{id: fashion-mnist, subset: full}" : "{id: fashion-mnist, subset: auto}";
        return """
                name: reference
                description: 784 -> 7 x 128 sigmoid -> 10, softmax cross-entropy, plain SGD (lr %s), float32, FashionMNIST
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
                """.formatted(Double.toString(config.lr()), source, ARCHITECTURE, config.batch(), Double.toString(config.lr()), config.seed());
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
     * for the first layer, whose input gradient is not needed) input gradient. Empty when the model
     * has a weighted layer that is not dense (a recurrent layer, say): its products are not counted,
     * so no count would be right. Elementwise work (activations, normalizers, the optimizer) is not
     * counted.
     */
    public static OptionalLong flopsPerSample(Layer model) {
        List<Dense> dense = new ArrayList<>();
        if (model == null || !collectDense(model, dense) || dense.isEmpty()) {
            return OptionalLong.empty();
        }
        long flops = 0;
        for (int i = 0; i < dense.size(); i++) {
            long mn = (long) dense.get(i).weight().value().rows() * dense.get(i).weight().value().cols();
            flops += 2 * mn * (i == 0 ? 2 : 3);
        }
        return OptionalLong.of(flops);
    }

    /** Collects the dense layers; false when a leaf layer other than a dense one has a weight. */
    private static boolean collectDense(Layer layer, List<Dense> out) {
        if (layer instanceof Dense d) {
            out.add(d);
            return true;
        }
        if (layer.children().isEmpty()) {
            return layer.parameters().stream().noneMatch(p -> p.role() == Parameter.Role.WEIGHT);
        }
        boolean countable = true;
        for (Layer child : layer.children()) {
            countable &= collectDense(child, out);
        }
        return countable;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
