package io.gradlab.engine.train;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.data.Dataset;
import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.nn.AbstractLayer.BufferCache;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.ModelBuilder;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.GradientTransform;
import io.gradlab.api.train.Optimizer;
import io.gradlab.api.train.TrainingControl;
import io.gradlab.engine.run.Checkpoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One training run in memory: the loop over epochs and steps that a strategy drives through {@link
 * TrainingControl}. The model as diagnostics see it and the figures measured on it are {@link
 * ModelState}; checkpoints and resuming, {@link Resume}; an epoch's metrics, {@link EpochMetricsAssembler};
 * evaluation, {@link Evaluator}. After the first epoch the training step allocates nothing.
 */
public final class TrainingSession implements TrainingControl {
    /**
     * Everything a session is made of; {@code validation} may be null; {@code copies} builds one more copy of
     * {@code model} and {@code loss} for a step split by rows over the kernel threads ({@link ShardedStep}; null: none).
     */
    public record Parts(DType dtype, Ops ops, SeededRandom random, BuildContext buildContext, ModelBuilder builder, Layer model,
                        Supplier<ModelCopy> copies, Loss loss, Optimizer optimizer, List<GradientTransform> transforms,
                        List<Diagnostic> diagnostics, Dataset train, Dataset validation, Dataset test, int epochs, int batchSize) {}

    private final Parts parts;
    private final EpochSink epochSink;
    private final TrainingListener listener;
    private final long maxSteps;
    private final int batchSize;
    private final BufferCache gradients = new BufferCache();
    private final BatchPipeline batches;
    private final InputPasses inputPasses;
    private final ModelState state;
    private final Resume resume;
    private final Evaluator evaluator;
    private final EpochMetricsAssembler metrics;
    private final RunControls controls;
    private final Map<String, Object> recorded = new LinkedHashMap<>();
    private Layer model;
    /** The step split by rows over the kernel threads, or null (the whole batch in one pass). */
    private ShardedStep sharded;
    private long stepCorrect;

    public TrainingSession(Parts parts, TrainingListener listener, Consumer<EpochMetrics> epochSink) {
        this(parts, listener, metricsOnly(epochSink), 0);
    }

    /**
     * A session that stops after {@code maxSteps} optimizer steps in all ({@code 0}: no limit): the
     * epoch in which the limit is reached ends early, is recorded, and {@link StepLimitReached} is thrown.
     */
    public TrainingSession(Parts parts, TrainingListener listener, EpochSink epochSink, long maxSteps) {
        this(parts, listener, epochSink, maxSteps, RunControls.none());
    }

    /** A session with learning-rate schedules and callbacks ({@link RunControls}). */
    public TrainingSession(Parts parts, TrainingListener listener, EpochSink epochSink, long maxSteps, RunControls controls) {
        this.controls = requireNonNull(controls, "controls is null");
        this.parts = requireNonNull(parts, "parts is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.epochSink = requireNonNull(epochSink, "epochSink is null");
        this.maxSteps = maxSteps;
        this.batchSize = parts.batchSize();
        this.batches = new BatchPipeline(parts.dtype(), parts.ops());
        this.inputPasses = new InputPasses(parts.dtype(), batchSize);
        this.state = new ModelState(parts.dtype(), parts.ops(), parts.epochs());
        controls.rememberBaseRate(parts.optimizer());
        this.resume = new Resume(parts.optimizer(), state, controls);
        this.evaluator = new Evaluator(parts.dtype(), parts.loss(), batchSize);
        this.metrics = new EpochMetricsAssembler(parts.transforms(), parts.diagnostics());
        setModel(parts.model());
    }

    private static EpochSink metricsOnly(Consumer<EpochMetrics> epochSink) {
        requireNonNull(epochSink, "epochSink is null");
        return (m, session) -> epochSink.accept(m);
    }

    @Override
    public int epochs() {
        return parts.epochs();
    }

    @Override
    public ModelBuilder builder() {
        return parts.builder();
    }

    @Override
    public Layer model() {
        return model;
    }

    @Override
    public void setModel(Layer newModel) {
        requireNonNull(newModel, "model is null");
        buildFor(newModel, parts.train(), parts.buildContext());
        newModel.setInputGradientRequired(false);
        this.model = newModel;
        sharded = newModel == parts.model() ? ShardedStep.create(newModel, parts.copies(), parts.ops(), parts.dtype()) : null;
        state.bind(newModel, sharded);
        parts.optimizer().bind(state.parameters(), parts.ops());
    }

    /**
     * Builds {@code model} for the features of {@code train} (already built layers keep their weights)
     * and checks that it ends with as many outputs as the data needs.
     */
    static void buildFor(Layer model, Dataset train, BuildContext ctx) {
        int out = model.build(train.width(), ctx);
        int expected = train.classes() > 0 ? train.classes() : train.targetWidth();
        if (out != expected) {
            throw new GradlabException(GradlabException.Category.SPEC, "the model ends with " + out + " outputs but the data needs "
                    + expected + (train.classes() > 0 ? " (one per class)" : "") + ": fix the architecture's output width");
        }
    }

    @Override
    public Ops ops() {
        return parts.ops();
    }

    @Override
    public RandomSource random(String name) {
        return parts.random().fork(requireNonNull(name, "name is null"));
    }

    @Override
    public void forEachInputBatch(String phase, Consumer<Tensor> step) {
        inputPasses.run(parts.train(), parts.random().fork("shuffle-" + requireNonNull(phase, "phase is null")), step);
    }

    @Override
    public void record(Map<String, Object> values) {
        recorded.putAll(values);
    }

    @Override
    public void trainEpoch(String stage) {
        if (resume.pending().isPresent()) {
            recorded.clear();
            resume.skipEpoch(model);
            return;
        }
        controls.stopIfAsked(); // a run killed after its early stop was checkpointed, and resumed
        int epoch = state.nextEpoch();
        long start = System.nanoTime();
        Dataset train = parts.train();
        int n = train.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        parts.random().fork("shuffle-" + epoch).shuffle(order);
        int steps = (n + batchSize - 1) / batchSize;
        state.startEpoch(steps);
        double lossSum = 0;
        long correct = 0;
        int done = 0;
        int seen = 0;
        try {
            if (steps > 0 && !limitReached(0)) {
                batches.start(train, order, 0, Math.min(batchSize, n));
            }
            for (int b = 0; b < steps && !limitReached(0); b++) {
                int from = b * batchSize;
                int count = Math.min(batchSize, n - from);
                batches.await();
                Tensor x = batches.x();
                Tensor y = batches.y();
                if (b + 1 < steps && !limitReached(1)) {
                    // the next batch is copied while this one trains
                    batches.start(train, order, from + count, Math.min(batchSize, n - from - count));
                }
                double loss = trainStep(x, y, stage, b, steps);
                lossSum += loss * count;
                correct += stepCorrect;
                double seconds = (System.nanoTime() - start) / 1e9;
                listener.onStep(epoch, b + 1, steps, lossSum / (from + count), (double) correct / (from + count),
                        (from + count) / Math.max(seconds, 1e-9));
                done++;
                seen = from + count;
            }
        } finally {
            batches.finish(); // no copy outlives the epoch (a diverged step, a stop)
        }
        if (done == 0 && maxSteps > 0) {
            throw new StepLimitReached(maxSteps); // the limit fell exactly on the end of the previous epoch
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        double[] validation = evaluate(parts.validation());
        double[] test = evaluate(parts.test());
        EpochMetrics m = metrics.assemble(new EpochMetricsAssembler.Trained(epoch, stage, lossSum / seen,
                train.classes() > 0 ? (double) correct / seen : Double.NaN, validation, test, parts.optimizer().learningRate(),
                seen / Math.max(trainSeconds, 1e-9), start), state, recorded);
        controls.afterEpoch(m, model, parts.validation() != null);
        epochSink.epochFinished(m, this);
        listener.onEpoch(m);
        if (limitReached(0)) {
            throw new StepLimitReached(maxSteps);
        }
        controls.stopIfAsked();
    }

    /** Whether the step limit is reached {@code ahead} steps from now. */
    private boolean limitReached(int ahead) {
        return maxSteps > 0 && state.step() + ahead >= maxSteps;
    }

    private double trainStep(Tensor x, Tensor y, String stage, int batch, int steps) {
        state.nextStep();
        // indexed loops: the step allocates nothing, not even iterators
        double loss;
        if (sharded != null && sharded.applies(x.rows())) {
            loss = sharded.forwardBackward(x, y, parts.train().classes());
            stepCorrect = sharded.correct();
        } else {
            ShardedStep.wholePass(sharded);
            StepKernels kernels = state.kernels();
            kernels.zeroGradients();
            Tensor out = model.forward(x, Mode.TRAIN);
            Tensor gradOut = gradients.get(parts.dtype(), out.rows(), out.cols());
            loss = kernels.lossForwardBackward(parts.loss(), out, y, gradOut);
            model.backward(gradOut);
            stepCorrect = Evaluator.correct(out, y, parts.train().classes());
        }
        state.setLoss(loss);
        state.measureGradients();
        // diagnostics see a non-finite loss too, so that a sentinel can name the layer where it started
        List<Diagnostic> diagnostics = parts.diagnostics();
        for (int i = 0; i < diagnostics.size(); i++) {
            diagnostics.get(i).afterBackward(state);
        }
        if (!Double.isFinite(loss)) {
            throw DivergenceException.at(loss, state.epoch(), state.step(), batch + 1, steps, stage);
        }
        List<GradientTransform> transforms = parts.transforms();
        for (int i = 0; i < transforms.size(); i++) {
            transforms.get(i).apply(state.parameters(), parts.ops());
        }
        controls.beforeStep(parts.optimizer(), state.step() - 1, steps, parts.epochs());
        state.step(parts.optimizer(), batch);
        return loss;
    }

    /** Mean loss and accuracy of the model on {@code data}, in evaluation mode. */
    public double[] evaluate(Dataset data) {
        ShardedStep.wholePass(sharded);
        return evaluator.evaluate(model, data);
    }

    /** The model as diagnostics see it, with the figures of the current step and epoch. */
    public ModelView view() {
        return state;
    }

    /**
     * Makes this session continue from {@code checkpoint} ({@link Resume}): a strategy that makes the same
     * calls in the same order ({@link io.gradlab.api.train.TrainingStrategy#resumable()}) reaches the
     * state of the interrupted run exactly.
     */
    public void resumeFrom(Checkpoint checkpoint) {
        resume.from(checkpoint);
    }

    /** The checkpoint the session still has to reach, if the strategy stopped before it. */
    public Optional<Checkpoint> pendingResume() {
        return resume.pending();
    }

    /** The state at the end of the current epoch (tensors are not copied: write it before training on). */
    public Checkpoint checkpoint(String specSha256) {
        return resume.checkpoint(model, specSha256);
    }
}
