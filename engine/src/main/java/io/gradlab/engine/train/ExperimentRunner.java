package io.gradlab.engine.train;

import static java.util.Objects.requireNonNull;

import com.google.inject.Inject;
import io.gradlab.api.ComponentId;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ComponentFactory.CreateContext;
import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.data.DataContext;
import io.gradlab.api.data.DataSplits;
import io.gradlab.api.data.Dataset;
import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.train.GradientTransform;
import io.gradlab.api.train.LearningRateSchedule;
import io.gradlab.api.train.TrainingCallback;
import io.gradlab.api.train.TrainingStrategy;
import io.gradlab.engine.data.Splits;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.engine.nn.DefaultBuildContext;
import io.gradlab.engine.nn.DefaultModelBuilder;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginFailures;
import io.gradlab.engine.run.Checkpoint;
import io.gradlab.engine.run.Json;
import io.gradlab.engine.run.MetricsLog;
import io.gradlab.engine.run.ResumeInfo;
import io.gradlab.engine.run.RunFolder;
import io.gradlab.engine.run.RunFolders;
import io.gradlab.engine.run.RunRecorder;
import io.gradlab.engine.run.StoredRun;
import io.gradlab.engine.run.Summaries;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecValidator;
import io.gradlab.engine.spec.SpecWriter;
import io.gradlab.engine.spec.TrainingSpec;
import io.gradlab.engine.tensorboard.TensorBoardSink;
import io.gradlab.engine.weights.ModelTensors;
import io.gradlab.engine.weights.WeightFiles;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Supplier;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an experiment spec: validates it, loads the data and builds the model (all before a run
 * folder exists, so that a bad spec or a corrupt data file leaves nothing behind), then trains and
 * writes the run folder.
 */
public final class ExperimentRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentRunner.class);

    /**
     * The diagnostics every run gets, in this order, when they are registered (the built-in
     * {@code gradient-flow}; the others come with the diagnostics plugin and are skipped without it).
     * They are cheap or sample. A diagnostic the spec lists replaces the default of the same id (its
     * parameters win); the others are added after the defaults.
     */
    public static final List<String> DEFAULT_DIAGNOSTICS = List.of("gradient-flow", "nan-sentinel", "exploding-gradient",
            "activation-stats", "dead-units", "saturation", "symmetry", "update-ratio", "histograms");

    private final ComponentRegistry registry;
    private final Ops ops;
    private final Clock clock;

    @Inject
    public ExperimentRunner(ComponentRegistry registry, Ops ops) {
        this(registry, ops, Clock.systemUTC());
    }

    public ExperimentRunner(ComponentRegistry registry, Ops ops, Clock clock) {
        this.registry = requireNonNull(registry, "registry is null");
        this.ops = requireNonNull(ops, "ops is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** A runner on the default BLAS kernels. */
    public static ExperimentRunner withDefaultKernels(ComponentRegistry registry) {
        return new ExperimentRunner(registry, new BlasOps());
    }

    /** Validates the spec and fills in every default: what {@code spec.resolved.yaml} holds. */
    public ExperimentSpec resolve(ExperimentSpec spec) {
        return SpecValidator.resolve(spec, registry::resolve);
    }

    /** Validates, loads, builds and trains; returns the run's result. */
    public RunResult run(ExperimentSpec spec, RunOptions options, TrainingListener listener) {
        ExperimentSpec resolved = resolve(spec);
        return run(resolved, prepare(resolved, options), options, listener);
    }

    /**
     * Trains what {@link #prepare} made of the resolved spec {@code resolved} (a library user may have
     * set hooks on its layers in between) and writes its run folder unless {@code options} say not to.
     */
    public RunResult run(ExperimentSpec resolved, Prepared prepared, RunOptions options, TrainingListener listener) {
        if (!options.write()) {
            return train(resolved, prepared, null, "", listener, null, List.of(), options.maxSteps());
        }
        RunFolder folder = RunFolder.create(options.outDir(), resolved.name(), clock);
        try {
            String specText = SpecWriter.toYaml(resolved);
            try {
                folder.writeAtomically(RunFolder.SPEC, specText);
                ResumeInfo.of(resolved, options.dataDir()).write(folder.dir());
            } catch (GradlabException e) {
                // a full disk while setting up: nothing was trained, so leave no half-made folder behind
                folder.close();
                throw new GradlabException(e.category(), e.getMessage() + (folder.removeIfOnlySetUp()
                        ? " (nothing was trained; the new run folder was removed)" : ""), e);
            }
            folder.lock();
            return train(resolved, prepared, folder, StoredRun.sha256(specText), listener, null, List.of(), options.maxSteps());
        } finally {
            folder.close();
        }
    }

    /** {@link #resume(Path, Optional, TrainingListener)} with the data folder the run was started with. */
    public RunResult resume(Path runDir, TrainingListener listener) {
        return resume(runDir, Optional.empty(), listener);
    }

    /**
     * Continues an interrupted run in its folder from its last checkpoint (from the first epoch when
     * it has none), so that its metrics (apart from timing) and weights end up exactly as those of
     * an uninterrupted run: the spec is read back from {@code spec.resolved.yaml}, the data loaded
     * and the model built as before, {@code metrics.jsonl} cut back to the checkpoint's epoch, and
     * the strategy replayed up to it (see {@link TrainingSession#resumeFrom}).
     *
     * @param dataDir a data folder replacing the one the run was started with ({@code --data})
     * @throws GradlabException {@code USAGE} when the folder is not a run, is complete, ended in a way
     *                          resuming would repeat, or uses a strategy that cannot resume; {@code DATA}
     *                          when the checkpoint or metrics do not fit the spec
     */
    public RunResult resume(Path runDir, Optional<Path> dataDir, TrainingListener listener) {
        requireNonNull(dataDir, "dataDir is null");
        StoredRun stored = StoredRun.read(runDir);
        Path dir = stored.dir();
        Optional<String> status = RunFolders.status(dir);
        if (status.isPresent() && status.get().equals("completed")) {
            throw new GradlabException(GradlabException.Category.USAGE, "run " + dir + " is already complete (" + RunFolder.SUMMARY
                    + " says completed): nothing to resume");
        }
        if (status.isPresent() && !status.get().equals("failed")) {
            throw new GradlabException(GradlabException.Category.USAGE, "run " + dir + " ended with status " + status.get() + " ("
                    + RunFolder.SUMMARY + "); resuming would repeat it: change the spec and start a new run");
        }
        Optional<Checkpoint> checkpoint = stored.checkpoint();
        if (checkpoint.isPresent() && !checkpoint.get().specSha256().equals(stored.specSha256())) {
            throw new GradlabException(GradlabException.Category.DATA, dir.resolve(RunFolder.SPEC) + " was changed after the checkpoint of"
                    + " epoch " + checkpoint.get().epoch() + " was written: restore it, or start a new run with the changed spec");
        }
        ExperimentSpec resolved = resolve(stored.spec());
        int lastEpoch = checkpoint.map(Checkpoint::epoch).orElse(0);
        if (lastEpoch > resolved.training().epochs()) {
            throw new GradlabException(GradlabException.Category.DATA, "the checkpoint in " + dir + " is at epoch " + lastEpoch
                    + " but the run plans " + resolved.training().epochs() + " epochs: the run folder is damaged");
        }
        Prepared prepared = prepare(resolved, options(stored, dataDir, true), lastEpoch == 0);
        if (checkpoint.isPresent()) {
            int batch = resolved.training().batchSize();
            checkpoint.get().requireCountersFit(dir, resolved.training().epochs(), (prepared.parts().train().size() + batch - 1) / batch);
        }
        if (lastEpoch > 0 && !prepared.strategy().resumable()) {
            throw new GradlabException(GradlabException.Category.USAGE, "run " + dir + " trains with the strategy '"
                    + resolved.training().strategy().id() + "', which cannot resume from a checkpoint (it does not declare "
                    + "TrainingStrategy.resumable()): start the run again with gradlab run");
        }
        RunFolder folder = RunFolder.open(dir);
        try {
            folder.lock();
            MetricsLog.Recovered recovered = MetricsLog.inspect(dir, lastEpoch);
            folder.rewriteMetricsBeforeAppending(recovered);
            LOG.info("resuming {} after epoch {} of {}{}", dir, lastEpoch, resolved.training().epochs(),
                    recovered.rewritten() ? " (metrics.jsonl cut back to the checkpoint)" : "");
            return train(resolved, prepared, folder, stored.specSha256(), listener, checkpoint.orElse(null), recovered.history(), 0);
        } finally {
            folder.close();
        }
    }

    /**
     * Rebuilds the model of a run folder with the weights of its last checkpoint (the final weights
     * of a completed run), its data loaded as for training: for predictions and exports.
     *
     * @throws GradlabException {@code USAGE} when the folder is not a run or has no checkpoint
     */
    public Restored restore(Path runDir, Optional<Path> dataDir) {
        requireNonNull(dataDir, "dataDir is null");
        StoredRun stored = StoredRun.read(runDir);
        Checkpoint checkpoint = stored.checkpoint().orElseThrow(() -> new GradlabException(GradlabException.Category.USAGE,
                "run " + stored.dir() + " has no " + RunFolder.CHECKPOINT + ": it ran with training.checkpoint: false or ended before"
                        + " its first epoch; run it again with checkpoints on"));
        ExperimentSpec resolved = resolve(stored.spec());
        Prepared prepared = prepare(resolved, options(stored, dataDir, false), false);
        ModelTensors.copyInto(prepared.parts().model(), checkpoint.model(),
                "the checkpoint of " + stored.dir().getFileName() + " (epoch " + checkpoint.epoch() + ")");
        return new Restored(resolved, prepared, checkpoint.epoch());
    }

    /** Options for loading a stored run's data again: {@code dataDir} when given, else the run's own {@code --data}. */
    private static RunOptions options(StoredRun stored, Optional<Path> dataDir, boolean write) {
        return new RunOptions(stored.outDir(), stored.dataDir(dataDir), write);
    }

    /** A run's model with the weights of its checkpoint at {@code epoch}. */
    public record Restored(ExperimentSpec spec, Prepared prepared, int epoch) {}

    private RunResult train(ExperimentSpec resolved, Prepared prepared, RunFolder folder, String specSha, TrainingListener listener,
                            Checkpoint resumeFrom, List<EpochMetrics> earlier, long maxSteps) {
        long start = System.nanoTime();
        boolean checkpoints = folder != null && resolved.training().checkpoint();
        RunRecorder recorder = new RunRecorder(earlier, Optional.ofNullable(folder), checkpoints ? Optional.of(specSha) : Optional.empty());
        String logDir = resolved.training().tensorboard();
        TensorBoardSink tensorBoard = logDir == null ? null
                : new TensorBoardSink(Path.of(logDir).resolve(folder == null ? resolved.name() : folder.dir().getFileName().toString()));
        EpochSink sink = tensorBoard == null ? recorder : (metrics, s) -> {
            recorder.epochFinished(metrics, s);
            tensorBoard.epochFinished(metrics, s);
        };
        String status;
        String error;
        TrainingSession session = null;
        try {
            if (folder != null) {
                prepared.controls().writeBestInto(folder.dir());
            }
            session = new TrainingSession(prepared.parts(), listener, sink, maxSteps, prepared.controls());
            if (resumeFrom != null) {
                session.resumeFrom(resumeFrom);
            }
            listener.onStart(new TrainingListener.RunInfo(resolved.name(), folder == null ? null : folder.dir(),
                    resolved.training().epochs(), (prepared.parts().train().size() + resolved.training().batchSize() - 1)
                            / resolved.training().batchSize(), prepared.parts().train().size(), ops.backend(), prepared.dataDescription()));
            status = "completed";
            try {
                prepared.strategy().run(session);
            } catch (StepLimitReached e) {
                status = "step-limit";
            } catch (EarlyStop e) {
                LOG.info("{}", e.getMessage());
            }
            if (session.pendingResume().isPresent()) {
                throw new GradlabException(GradlabException.Category.DATA, "the strategy '" + resolved.training().strategy().id()
                        + "' trained fewer epochs than the checkpoint's " + session.pendingResume().get().epoch()
                        + " when replayed: it cannot resume this run; start it again with gradlab run");
            }
            List<EpochMetrics> history = recorder.history();
            DivergenceException ended = history.isEmpty() || !status.equals("completed") ? null
                    : DivergenceException.atEnd(history.get(history.size() - 1), prepared.parts().validation() != null);
            if (ended != null) {
                throw ended;
            }
            return finish(folder, resolved, prepared, recorder.history(), status, null, start);
        } catch (DivergenceException e) {
            status = "diverged";
            error = e.getMessage();
            finish(folder, resolved, prepared, recorder.history(), status, error, start);
            throw e;
        } catch (Diagnostic.StopTraining e) {
            status = "stopped";
            error = e.getMessage();
            RunResult result = finish(folder, resolved, prepared, recorder.history(), status, error, start);
            throw new GradlabException(GradlabException.Category.NUMERIC, e.getMessage()
                    + (result.runDir() == null ? "" : " (the run folder " + result.runDir() + " keeps everything written so far)"), e);
        } catch (RuntimeException e) {
            if (session != null && session.pendingResume().isPresent()) {
                throw e; // the checkpoint could not be loaded: the run folder stays as it was
            }
            status = "failed";
            error = String.valueOf(e.getMessage());
            finish(folder, resolved, prepared, recorder.history(), status, error, start);
            throw e;
        } catch (Error e) {
            // the plugin boundary: an Error from component code fails the run with a reason; one the
            // listener (the host's own interface) throws passes through as it is
            if (thrownBy(e, listener) || session != null && session.pendingResume().isPresent()) {
                throw e;
            }
            error = e instanceof OutOfMemoryError ? "out of memory: " + e.getMessage() : PluginFailures.describe(e);
            finish(folder, resolved, prepared, recorder.history(), "failed", error, start);
            if (e instanceof OutOfMemoryError) {
                throw e;
            }
            throw new GradlabException(GradlabException.Category.PLUGIN, "training failed: " + error
                    + (folder == null ? "" : " (" + folder.dir().resolve(RunFolder.SUMMARY) + " says status: failed)")
                    + "; fix or remove the plugin whose code failed", e);
        } finally {
            if (tensorBoard != null) {
                tensorBoard.close();
            }
        }
    }

    /** Whether {@code e} was thrown by the listener's own code (its innermost frame is the listener's class). */
    private static boolean thrownBy(Throwable e, TrainingListener listener) {
        StackTraceElement[] stack = e.getStackTrace();
        String listenerClass = listener.getClass().getName();
        return stack.length > 0 && (stack[0].getClassName().equals(listenerClass) || stack[0].getClassName().startsWith(listenerClass + "$"));
    }

    private RunResult finish(RunFolder folder, ExperimentSpec spec, Prepared prepared, List<EpochMetrics> history, String status,
                             String error, long start) {
        Map<String, Object> summary = Summaries.summary(spec, history, status, error, (System.nanoTime() - start) / 1e9,
                ops.backend(), prepared.dataDescription(), prepared.parameterCount());
        summary.put("threads", ops.threads()); // the bits of a run depend on the kernel thread count (docs/performance.md)
        summary.putAll(prepared.controls().summary());
        if (folder != null) {
            try {
                folder.writeAtomically(RunFolder.SUMMARY, Json.pretty(summary));
            } catch (GradlabException e) {
                LOG.warn("could not write the run summary: {}", e.getMessage());
            }
        }
        List<Finding> findings = history.isEmpty() ? List.of() : history.get(history.size() - 1).findings();
        return new RunResult(folder == null ? null : folder.dir(), status, List.copyOf(history), summary, findings);
    }

    /** The loaded data, the built model and the other parts of a run, before any training. */
    public record Prepared(TrainingSession.Parts parts, TrainingStrategy strategy, String dataDescription, long parameterCount,
                           RunControls controls) {
        public Prepared(TrainingSession.Parts parts, TrainingStrategy strategy, String dataDescription, long parameterCount) {
            this(parts, strategy, dataDescription, parameterCount, RunControls.none());
        }

        /** The same, every batch trained in one pass: no copies of the model (a run whose layers have hooks). */
        public Prepared withoutCopies() {
            TrainingSession.Parts p = parts;
            return new Prepared(new TrainingSession.Parts(p.dtype(), p.ops(), p.random(), p.buildContext(), p.builder(), p.model(), null,
                    p.loss(), p.optimizer(), p.transforms(), p.diagnostics(), p.train(), p.validation(), p.test(), p.epochs(), p.batchSize()),
                    strategy, dataDescription, parameterCount, controls);
        }
    }

    /** Loads data and builds every component of a resolved spec, with its initial weights (no files are written). */
    public Prepared prepare(ExperimentSpec spec, RunOptions options) {
        return prepare(spec, options, true);
    }

    /**
     * Loads data and builds every component of a resolved spec (no files are written).
     *
     * @param initialWeights whether to load {@code model.weights} (a resumed run takes its weights from its checkpoint)
     */
    public Prepared prepare(ExperimentSpec spec, RunOptions options, boolean initialWeights) {
        var training = spec.training();
        SeededRandom root = new SeededRandom(training.seed());
        DataSplits splits = registry.dataset(spec.data().source(), dataContext(spec, options, root.fork("data")), "data.source");
        Dataset train = splits.train();
        requireSamples(spec, train, "training");
        requireSamples(spec, splits.test(), "test");
        Dataset validation = null;
        if (spec.data().validation() > 0) {
            Dataset[] parts = Splits.holdout(train, spec.data().validation(), root.fork("validation").seed());
            train = parts[0];
            validation = parts[1];
        }
        Dataset test = splits.test();
        if (test == null) {
            throw new GradlabException(GradlabException.Category.DATA, "data source '" + spec.data().source().id()
                    + "' has no test set; use a source with one");
        }
        int outputs = train.classes() > 0 ? train.classes() : train.targetWidth();
        DefaultModelBuilder builder = new DefaultModelBuilder(registry, train.sampleShape(), outputs, train.timeSteps(), "model.architecture");
        Initializer defaultInit = registry.initializer(ComponentSpec.of("pytorch-default"), "model.architecture.init");
        DefaultBuildContext buildContext = new DefaultBuildContext(training.dtype(), ops, root.fork("model"), defaultInit, null);
        Layer model = registry.architecture(spec.model().architecture(), builder, "model.architecture");
        List<GradientTransform> transforms = new ArrayList<>();
        for (int i = 0; i < training.gradientTransforms().size(); i++) {
            transforms.add(registry.gradientTransform(training.gradientTransforms().get(i), "training.gradient-transforms[" + i + "]"));
        }
        List<Diagnostic> diagnostics = diagnostics(spec.diagnostics());
        Dataset trainSet = train;
        // a copy of the model per kernel thread but one, for a step split by rows (ShardedStep); its weights are the model's
        Supplier<ModelCopy> copies = () -> {
            Layer copy = registry.architecture(spec.model().architecture(), builder, "model.architecture");
            TrainingSession.buildFor(copy, trainSet, new DefaultBuildContext(training.dtype(), ops, root.fork("model-copy"), defaultInit, null));
            return new ModelCopy(copy, registry.loss(spec.model().loss(), "model.loss"));
        };
        TrainingSession.Parts parts = new TrainingSession.Parts(training.dtype(), ops, root, buildContext, builder, model, copies,
                registry.loss(spec.model().loss(), "model.loss"), registry.optimizer(training.optimizer(), "training.optimizer"),
                List.copyOf(transforms), List.copyOf(diagnostics), train, validation, test, training.epochs(), training.batchSize());
        // build once here so that architecture errors surface before a run folder exists
        TrainingSession.buildFor(model, train, buildContext);
        if (initialWeights && spec.model().weights() != null) {
            WeightFiles.load(model, spec.resolvePath(spec.model().weights()), "model.weights");
        }
        long count = countParameters(model);
        TrainingStrategy strategy = registry.trainingStrategy(training.strategy(), "training.strategy");
        String description = splits.description() + ": " + train.size() + " train"
                + (validation == null ? "" : " / " + validation.size() + " validation") + " / " + test.size() + " test";
        return new Prepared(parts, strategy, description, count, controls(training, validation != null, train.classes() > 0));
    }

    /** The schedules and callbacks of the spec, checked against the figures the run measures. */
    private RunControls controls(TrainingSpec training, boolean validation, boolean classification) {
        List<LearningRateSchedule> schedules = new ArrayList<>();
        for (int i = 0; i < training.lrSchedule().size(); i++) {
            ComponentSpec s = training.lrSchedule().get(i);
            String where = "training.lr-schedule[" + i + "]";
            schedules.add(registry.create(ComponentKind.LR_SCHEDULE, s, where, CreateContext.of(where)));
        }
        List<TrainingCallback> callbacks = new ArrayList<>();
        for (int i = 0; i < training.callbacks().size(); i++) {
            ComponentSpec c = training.callbacks().get(i);
            String where = "training.callbacks[" + i + "]";
            callbacks.add(registry.create(ComponentKind.CALLBACK, c, where, CreateContext.of(where)));
        }
        RunControls controls = new RunControls(schedules, callbacks);
        controls.checkFigures(training.callbacks().stream().map(c -> c.id().value()).toList(), validation, classification);
        return controls;
    }

    /** Empty training or test data is an error before training (it would "complete" with NaN loss and accuracy). */
    private static void requireSamples(ExperimentSpec spec, Dataset set, String which) {
        if (set != null && set.size() == 0) {
            throw new GradlabException(GradlabException.Category.DATA, "data source '" + spec.data().source().id() + "' gave 0 " + which
                    + " samples: nothing to " + (which.equals("test") ? "evaluate" : "train") + " on; check the data files"
                    + " (or --data DIR) and give a " + which + " set with at least one sample");
        }
    }

    /**
     * The spec's listed diagnostics first (they are the more specific ones: their findings and stops
     * come first), then the registered defaults the spec did not list.
     */
    private List<Diagnostic> diagnostics(List<ComponentSpec> listed) {
        Map<String, Diagnostic> byId = new LinkedHashMap<>();
        for (int i = 0; i < listed.size(); i++) {
            ComponentSpec d = listed.get(i);
            byId.put(d.id().value(), registry.diagnostic(d, "diagnostics[" + i + "]"));
        }
        for (String id : defaultDiagnostics()) {
            if (!byId.containsKey(id)) {
                byId.put(id, registry.diagnostic(ComponentSpec.of(id), "diagnostics (default)"));
            }
        }
        return new ArrayList<>(byId.values());
    }

    /** The ids of {@link #DEFAULT_DIAGNOSTICS} that are registered, in order: the defaults every run gets. */
    public List<String> defaultDiagnostics() {
        List<String> ids = new ArrayList<>();
        for (String id : DEFAULT_DIAGNOSTICS) {
            if (registry.find(ComponentKind.DIAGNOSTIC, ComponentId.of(id)).isPresent()) {
                ids.add(id);
            } else {
                LOG.debug("default diagnostic '{}' is not registered: skipped", id);
            }
        }
        return ids;
    }

    private static long countParameters(Layer layer) {
        long n = 0;
        for (var p : layer.parameters()) {
            n += p.value().size();
        }
        for (Layer child : layer.children()) {
            n += countParameters(child);
        }
        return n;
    }

    private static DataContext dataContext(ExperimentSpec spec, RunOptions options, RandomSource random) {
        Path base = spec.baseDir() == null ? Path.of(".") : spec.baseDir();
        Optional<Path> override = options.dataDir();
        return new DataContext() {
            @Override
            public Optional<Path> dataDirOverride() {
                return override;
            }

            @Override
            public Path specDir() {
                return base;
            }

            @Override
            public RandomSource random() {
                return random;
            }
        };
    }
}
