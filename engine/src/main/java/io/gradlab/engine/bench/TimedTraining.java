package io.gradlab.engine.bench;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.train.TrainingControl;
import io.gradlab.api.train.TrainingStrategy;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginSource;
import io.gradlab.engine.registry.RegisteredComponent;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.TrainingSpec;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.TrainingListener;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One benchmark, timed inside an ordinary {@code gradlab run} of the spec (no run folder): the same
 * spec loading, validation, data, model, optimizer, diagnostics and training session. The one
 * difference is the training strategy: the spec's is replaced by this one, which trains plain epochs
 * until the warm-up and the timed runs are done. It sees the session only as the
 * {@link TrainingControl} every strategy plugin gets, and the figures only through the
 * {@link TrainingListener} every user interface gets, so it depends on nothing inside the training
 * loop.
 *
 * <p>A run is an epoch ({@code --epochs}), timed from the strategy's call to its last step (the
 * evaluation after it is not timed; the throughput is {@link EpochMetrics#samplesPerSecond()}), or
 * {@code steps} full steps inside an epoch ({@code --steps}), timed between the listener's step
 * callbacks (the first step of each epoch, which follows the evaluation, and a last partial batch
 * are not timed); after the last timed run the listener ends the run at once ({@link Finished})
 * rather than train out the epoch. Not thread-safe: one instance times one benchmark.
 */
final class TimedTraining implements TrainingListener, TrainingStrategy {
    /** The id under which the benchmark's strategy is registered for its own run only. */
    static final String STRATEGY_ID = "bench-timed-epochs";

    private enum Phase { WARMUP, TIMED, DONE }

    private final BenchConfig config;
    private final Consumer<String> progress;
    private final int batch;
    private final CompilationMXBean jit;
    private final boolean measurable;
    private final int mostWarmup;

    private final List<Double> warmup = new ArrayList<>();
    private final List<Double> rates = new ArrayList<>();
    private final List<Double> cpuRates = new ArrayList<>();
    private Phase phase = Phase.WARMUP;
    private RunInfo info;
    private Layer model;
    private double finalLoss = Double.NaN;
    private int samplesPerRun;

    // the current run's start (epochs: set by the strategy before each epoch; steps: at a window's start)
    private long startNanos;
    private long startCompileMillis;
    private long startCpuNanos;
    // epochs: the end of the current epoch's last step
    private long endNanos;
    private long endCompileMillis;
    private long endCpuNanos;
    private EpochMetrics lastEpoch;
    // steps: the steps in the current window
    private int windowSteps;
    private boolean windowOpen;

    TimedTraining(BenchConfig config, int batch, Consumer<String> progress) {
        this.config = requireNonNull(config, "config is null");
        this.progress = requireNonNull(progress, "progress is null");
        this.batch = batch;
        this.jit = ManagementFactory.getCompilationMXBean();
        this.measurable = jit != null && jit.isCompilationTimeMonitoringSupported();
        this.mostWarmup = config.warmup() > 0 ? config.warmup() : measurable ? BenchConfig.MAX_AUTO_WARMUP : 3;
    }

    /**
     * {@code spec} as the benchmark runs it: the strategy replaced by this one, no checkpoints, and
     * without diagnostics when the bare step is timed.
     */
    static ExperimentSpec timedSpec(ExperimentSpec spec, boolean diagnostics) {
        TrainingSpec t = spec.training();
        TrainingSpec timed = new TrainingSpec(t.epochs(), t.batchSize(), t.optimizer(), t.gradientTransforms(), ComponentSpec.of(STRATEGY_ID),
                t.seed(), t.dtype(), t.threads(), false);
        return new ExperimentSpec(spec.name(), spec.description(), spec.data(), spec.model(), timed,
                diagnostics ? spec.diagnostics() : List.of(), spec.baseDir());
    }

    /**
     * The host's components plus this benchmark's strategy; without the diagnostics when the bare step
     * is timed (the engine adds the registered default diagnostics to every run).
     */
    ComponentRegistry registry(ComponentRegistry host, boolean diagnostics) {
        List<RegisteredComponent> components = new ArrayList<>();
        for (RegisteredComponent c : host.components()) {
            if (diagnostics || c.kind() != ComponentKind.DIAGNOSTIC) {
                components.add(c);
            }
        }
        TrainingStrategy self = this;
        components.add(new RegisteredComponent(ComponentFactory.of(ComponentKind.TRAINING_STRATEGY, STRATEGY_ID,
                "gradlab bench: plain epochs until the warm-up and the timed runs are done", List.of(), p -> self),
                new PluginSource("gradlab-bench", null, TimedTraining.class.getName())));
        return ComponentRegistry.of(components);
    }

    /** Trains {@code spec} (already given this strategy by {@link #timedSpec}) through {@code runner} until the timed runs are done. */
    void run(ExperimentRunner runner, ExperimentSpec spec) {
        try {
            runner.run(spec, RunOptions.probe(config.dataDir(), 0), this);
        } catch (Finished done) {
            // the timed steps are done: the rest of the epoch is not trained
        }
        if (phase != Phase.DONE) {
            throw new GradlabException(GradlabException.Category.INTERNAL, "the benchmark's training ended before its timed runs were done");
        }
    }

    // ---- the strategy ----

    @Override
    public void run(TrainingControl control) {
        model = control.model();
        while (phase != Phase.DONE) {
            int before = warmup.size() + rates.size();
            if (config.steps() == 0) {
                startNanos = System.nanoTime();
                startCompileMillis = compileMillis();
                startCpuNanos = processCpuNanos();
            }
            control.trainEpoch(null);
            model = control.model();
            if (config.steps() == 0) {
                finalLoss = lastEpoch.trainLoss();
                completed(lastEpoch.samplesPerSecond(), endCompileMillis - startCompileMillis, endNanos - startNanos,
                        endCpuNanos - startCpuNanos);
            } else if (warmup.size() + rates.size() == before) {
                throw new GradlabException(GradlabException.Category.INTERNAL, "an epoch of the benchmark gave no timed run of "
                        + config.steps() + " steps");
            }
        }
    }

    // ---- the listener ----

    @Override
    public void onStart(RunInfo runInfo) {
        this.info = runInfo;
        if (config.steps() == 0) {
            samplesPerRun = runInfo.trainSamples();
            return;
        }
        int full = runInfo.trainSamples() / batch;
        if (config.steps() > full - 1) {
            throw new GradlabException(GradlabException.Category.USAGE, "--steps " + config.steps() + " is more than an epoch of this workload"
                    + " can time: " + runInfo.trainSamples() + " samples at batch " + batch + " are " + full + " full steps, and the first"
                    + " step of each epoch is not timed; give --steps " + Math.max(1, full - 1) + " or less, or time whole epochs with --epochs");
        }
        samplesPerRun = config.steps() * batch;
    }

    @Override
    public void onStep(int epoch, int step, int stepsPerEpoch, double runningLoss, double runningAccuracy, double samplesPerSecond) {
        if (config.steps() == 0) {
            if (step == stepsPerEpoch) {
                endNanos = System.nanoTime();
                endCompileMillis = compileMillis();
                endCpuNanos = processCpuNanos();
            }
            return;
        }
        if (phase == Phase.DONE) {
            return;
        }
        boolean partial = step == stepsPerEpoch && (long) stepsPerEpoch * batch > info.trainSamples();
        if (step == 1 || partial || !windowOpen) {
            // the first step follows the shuffle and the previous epoch's evaluation; a partial batch is not a full step
            windowOpen = !partial;
            windowSteps = 0;
            markStart();
            return;
        }
        if (++windowSteps < config.steps()) {
            return;
        }
        long nanos = System.nanoTime() - startNanos;
        long compiled = compileMillis() - startCompileMillis;
        long cpu = processCpuNanos() - startCpuNanos;
        finalLoss = runningLoss;
        completed(samplesPerRun / Math.max(nanos / 1e9, 1e-9), compiled, nanos, cpu);
        if (phase == Phase.DONE) {
            throw new Finished();
        }
        windowSteps = 0;
        markStart(); // after the progress line: its printing is not part of the next run
    }

    @Override
    public void onEpoch(EpochMetrics metrics) {
        lastEpoch = metrics;
    }

    private void markStart() {
        startNanos = System.nanoTime();
        startCompileMillis = compileMillis();
        startCpuNanos = processCpuNanos();
    }

    /** One run is over: a warm-up run, or a timed one. */
    private void completed(double rate, long compiledMillis, long nanos, long cpuNanos) {
        if (phase == Phase.WARMUP) {
            warmup.add(rate);
            progress.accept(measurable ? String.format(Locale.ROOT, "warm-up %d: %,.0f samples/s (JIT compiling %d ms of %d ms)", warmup.size(),
                    rate, compiledMillis, nanos / 1_000_000) : String.format(Locale.ROOT, "warm-up %d: %,.0f samples/s", warmup.size(), rate));
            boolean quietNow = config.warmup() == 0 && measurable && TrainingBenchmark.quiet(compiledMillis, nanos);
            if (quietNow || warmup.size() >= mostWarmup) {
                phase = Phase.TIMED;
            }
            return;
        }
        if (phase == Phase.TIMED) {
            rates.add(rate);
            cpuRates.add(samplesPerRun / Math.max(1e-9, cpuNanos / 1e9));
            progress.accept(String.format(Locale.ROOT, "run %d/%d: %,.0f samples/s", rates.size(), config.timedRuns(), rate));
            if (rates.size() >= config.timedRuns()) {
                phase = Phase.DONE;
            }
        }
    }

    private long compileMillis() {
        return measurable ? jit.getTotalCompilationTime() : 0;
    }

    /** The CPU time of the whole process (every thread), or 0 where the JVM cannot tell. */
    static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? Math.max(0, sun.getProcessCpuTime()) : 0;
    }

    /** Ends the run from the listener once the timed steps are done; {@link #run(ExperimentRunner, ExperimentSpec)} catches it. */
    private static final class Finished extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Finished() {
            super("the benchmark's timed steps are done", null, false, false);
        }
    }

    // ---- the figures ----

    List<Double> warmup() {
        return warmup;
    }

    List<Double> rates() {
        return rates;
    }

    List<Double> cpuRates() {
        return cpuRates;
    }

    int samplesPerRun() {
        return samplesPerRun;
    }

    double finalLoss() {
        return finalLoss;
    }

    /** The model as trained (for the FLOP count). */
    Layer model() {
        return model;
    }

    /** The data description of the run. */
    String data() {
        return info == null ? "" : info.data();
    }
}
