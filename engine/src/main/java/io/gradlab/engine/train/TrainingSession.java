package io.gradlab.engine.train;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.data.Dataset;
import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.nn.AbstractLayer.BufferCache;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.ModelBuilder;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.GradientTransform;
import io.gradlab.api.train.Optimizer;
import io.gradlab.api.train.TrainingControl;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.kernel.FloatGroup;
import io.gradlab.engine.nn.ActivationLayer;
import io.gradlab.engine.nn.SoftmaxCrossEntropy;
import io.gradlab.engine.run.Checkpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One training run in memory: model, data, loss, optimizer, gradient transforms and diagnostics.
 * It is the {@link TrainingControl} a strategy drives and the {@link ModelView} diagnostics see.
 * After the first epoch the training step allocates nothing.
 */
public final class TrainingSession implements TrainingControl, ModelView {
    /** Update ratios are averaged over about this many evenly spaced steps of each epoch (every step of short epochs). */
    static final int UPDATE_RATIO_SAMPLES = 32;

    /** Everything a session is made of. */
    public record Parts(
            DType dtype,
            Ops ops,
            SeededRandom random,
            BuildContext buildContext,
            ModelBuilder builder,
            Layer model,
            Loss loss,
            Optimizer optimizer,
            List<GradientTransform> transforms,
            List<Diagnostic> diagnostics,
            Dataset train,
            Dataset validation,
            Dataset test,
            int epochs,
            int batchSize) {}

    private final Parts parts;
    private final Consumer<EpochMetrics> epochSink;
    private final TrainingListener listener;
    private final DType dtype;
    private final Ops ops;
    private final int batchSize;
    private final BufferCache inputs = new BufferCache();
    private final BufferCache targets = new BufferCache();
    private final BufferCache gradients = new BufferCache();
    private final BatchPipeline batches;
    private final List<EpochMetrics> history = new ArrayList<>();
    private final Map<String, Object> recorded = new LinkedHashMap<>();
    private final long maxSteps;

    private Layer model;
    private List<Parameter> parameters = List.of();
    private List<LayerView> leaves = List.of();
    private List<LayerView> weighted = List.of();
    private Map<String, String> figuresOwner = Map.of();
    private Tensor[] previousWeights = new Tensor[0];
    private Groups groups;
    private double[] weightSquares = new double[0];
    private double[] deltaSquares = new double[0];
    private double[] gradNormSums = new double[0];
    private double[] stepGradNorms = new double[0];
    private double[] updateRatioSums = new double[0];
    private int updateRatioStride = 1;
    private int updateRatioSamples;
    private int epoch;
    private long step;
    private double currentLoss = Double.NaN;
    private Checkpoint resumeTarget;

    public TrainingSession(Parts parts, TrainingListener listener, Consumer<EpochMetrics> epochSink) {
        this(parts, listener, epochSink, 0);
    }

    /**
     * A session that stops after {@code maxSteps} optimizer steps in all ({@code 0}: no limit): the
     * epoch in which the limit is reached ends early, is recorded, and {@link StepLimitReached} is thrown.
     */
    public TrainingSession(Parts parts, TrainingListener listener, Consumer<EpochMetrics> epochSink, long maxSteps) {
        this.maxSteps = maxSteps;
        this.parts = requireNonNull(parts, "parts is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.epochSink = requireNonNull(epochSink, "epochSink is null");
        this.dtype = parts.dtype();
        this.ops = parts.ops();
        this.batchSize = parts.batchSize();
        this.batches = new BatchPipeline(dtype, ops);
        setModel(parts.model());
    }

    // ---- TrainingControl ----

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
        List<Parameter> params = new ArrayList<>();
        List<LayerView> leafViews = new ArrayList<>();
        collect(newModel, params, leafViews);
        this.parameters = List.copyOf(params);
        this.leaves = List.copyOf(leafViews);
        this.weighted = leafViews.stream().filter(v -> v.weight() != null).toList();
        this.figuresOwner = figuresOwners(leafViews);
        this.previousWeights = new Tensor[weighted.size()];
        for (int i = 0; i < weighted.size(); i++) {
            previousWeights[i] = Tensor.zeros(dtype, weighted.get(i).weight().value().shape());
        }
        this.gradNormSums = new double[weighted.size()];
        this.stepGradNorms = new double[weighted.size()];
        this.updateRatioSums = new double[weighted.size()];
        this.weightSquares = new double[weighted.size()];
        this.deltaSquares = new double[weighted.size()];
        this.groups = null;
        parts.optimizer().bind(parameters, ops);
    }

    /**
     * Where the layer figures of each leaf go in {@code metrics.jsonl}: a weighted layer's own entry;
     * any other leaf (activation, normalizer) files its figures under the nearest weighted layer before
     * it ({@code act3} under {@code hidden3}); leaves before the first weighted layer have no owner.
     */
    private static Map<String, String> figuresOwners(List<LayerView> leaves) {
        Map<String, String> owners = new LinkedHashMap<>();
        String current = null;
        for (LayerView v : leaves) {
            if (v.weight() != null) {
                current = v.name();
            }
            if (current != null) {
                owners.putIfAbsent(v.name(), current);
            }
        }
        return Map.copyOf(owners);
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

    private static void collect(Layer layer, List<Parameter> params, List<LayerView> leaves) {
        params.addAll(layer.parameters());
        if (layer.children().isEmpty()) {
            Parameter weight = layer.parameters().stream().filter(p -> p.role() == Parameter.Role.WEIGHT).findFirst().orElse(null);
            leaves.add(new LayerView(layer.name(), layer, weight, layer instanceof ActivationLayer a ? a.activation() : null));
        } else {
            for (Layer child : layer.children()) {
                collect(child, params, leaves);
            }
        }
    }

    @Override
    public void record(Map<String, Object> values) {
        recorded.putAll(values);
    }

    @Override
    public void trainEpoch(String stage) {
        if (resumeTarget != null) {
            skipEpoch();
            return;
        }
        epoch++;
        long start = System.nanoTime();
        Dataset train = parts.train();
        int n = train.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        parts.random().fork("shuffle-" + epoch).shuffle(order);
        int steps = (n + batchSize - 1) / batchSize;
        double lossSum = 0;
        long correct = 0;
        java.util.Arrays.fill(gradNormSums, 0);
        java.util.Arrays.fill(updateRatioSums, 0);
        updateRatioStride = Math.max(1, steps / UPDATE_RATIO_SAMPLES);
        updateRatioSamples = 0;
        int done = 0;
        int seen = 0;
        try {
            if (steps > 0 && !(maxSteps > 0 && step >= maxSteps)) {
                batches.start(train, order, 0, Math.min(batchSize, n));
            }
            for (int b = 0; b < steps; b++) {
                if (maxSteps > 0 && step >= maxSteps) {
                    break;
                }
                int from = b * batchSize;
                int count = Math.min(batchSize, n - from);
                batches.await();
                Tensor x = batches.x();
                Tensor y = batches.y();
                if (b + 1 < steps && !(maxSteps > 0 && step + 1 >= maxSteps)) {
                    // the next batch is copied while this one trains
                    batches.start(train, order, from + count, Math.min(batchSize, n - from - count));
                }
                double loss = trainStep(x, y, stage, b, steps);
                lossSum += loss * count;
                correct += correct(model.lastOutput(), y, train.classes());
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
        finishEpoch(stage, done, seen, lossSum / seen, train.classes() > 0 ? (double) correct / seen : Double.NaN, start, trainSeconds);
        if (maxSteps > 0 && step >= maxSteps) {
            throw new StepLimitReached(maxSteps);
        }
    }

    // ---- checkpoints and resume ----

    /**
     * Makes this session continue from {@code checkpoint}: the strategy runs from the start, but its
     * {@link #trainEpoch} calls up to the checkpoint's epoch return at once, and the last of them
     * loads the checkpoint into the model and optimizer of that moment. A strategy that makes the
     * same calls in the same order (which {@link io.gradlab.api.train.TrainingStrategy#resumable()}
     * promises) thus reaches the state of the interrupted run exactly.
     */
    public void resumeFrom(Checkpoint checkpoint) {
        requireNonNull(checkpoint, "checkpoint is null");
        if (epoch != 0) {
            throw new IllegalStateException("a session resumes before its first epoch, not at epoch " + epoch);
        }
        this.resumeTarget = checkpoint.epoch() == 0 ? null : checkpoint;
    }

    /** The checkpoint the session still has to reach, if the strategy stopped before it. */
    public java.util.Optional<Checkpoint> pendingResume() {
        return java.util.Optional.ofNullable(resumeTarget);
    }

    /** The state at the end of the current epoch (tensors are not copied: write it before training on). */
    public Checkpoint checkpoint(String specSha256) {
        Optimizer optimizer = parts.optimizer();
        return new Checkpoint(epoch, step, optimizer.steps(), optimizer.learningRate(),
                io.gradlab.engine.weights.ModelTensors.tensors(model), optimizer.state(), specSha256);
    }

    private void skipEpoch() {
        epoch++;
        recorded.clear();
        if (epoch == resumeTarget.epoch()) {
            restore(resumeTarget);
            resumeTarget = null;
        }
    }

    private void restore(Checkpoint cp) {
        Map<String, Tensor> current = io.gradlab.engine.weights.ModelTensors.tensors(model);
        String where = "the checkpoint of epoch " + cp.epoch();
        if (!current.keySet().equals(cp.model().keySet())) {
            throw new GradlabException(GradlabException.Category.DATA, where + " holds the tensors " + cp.model().keySet()
                    + " but the model at that epoch has " + current.keySet() + ": the run folder belongs to another model");
        }
        for (Map.Entry<String, Tensor> e : current.entrySet()) {
            requireSame(where + ", tensor '" + e.getKey() + "'", e.getValue(), cp.model().get(e.getKey()));
        }
        List<Tensor> state = parts.optimizer().state();
        if (state.size() != cp.optimizerState().size()) {
            throw new GradlabException(GradlabException.Category.DATA, where + " holds " + cp.optimizerState().size()
                    + " optimizer state tensors but the optimizer has " + state.size() + ": the run folder belongs to another optimizer");
        }
        for (int i = 0; i < state.size(); i++) {
            requireSame(where + ", optimizer state " + i, state.get(i), cp.optimizerState().get(i));
        }
        for (Map.Entry<String, Tensor> e : current.entrySet()) {
            e.getValue().copyFrom(cp.model().get(e.getKey()));
        }
        for (int i = 0; i < state.size(); i++) {
            state.get(i).copyFrom(cp.optimizerState().get(i));
        }
        parts.optimizer().restoreSteps(cp.optimizerSteps());
        parts.optimizer().setLearningRate(cp.learningRate());
        step = cp.step();
    }

    private static void requireSame(String where, Tensor target, Tensor saved) {
        if (target.dtype() != saved.dtype() || !target.sameShape(saved)) {
            throw new GradlabException(GradlabException.Category.DATA, where + " is " + saved.dtype()
                    + java.util.Arrays.toString(saved.shape()) + " but the run needs " + target.dtype()
                    + java.util.Arrays.toString(target.shape()) + ": the run folder belongs to another model");
        }
    }

    private double trainStep(Tensor x, Tensor y, String stage, int batch, int steps) {
        step++;
        // indexed loops: the step allocates nothing, not even iterators
        zeroGradients();
        Tensor out = model.forward(x, Mode.TRAIN);
        Tensor gradOut = gradients.get(dtype, out.rows(), out.cols());
        double loss;
        if (parts.loss() instanceof SoftmaxCrossEntropy sce && ops instanceof BlasOps blas) {
            loss = sce.forwardBackward(out, y, gradOut, blas); // the same bits, the rows on both threads
        } else {
            loss = parts.loss().forward(out, y);
            parts.loss().backward(out, y, gradOut);
        }
        currentLoss = loss;
        model.backward(gradOut);
        weightGradientNorms(stepGradNorms);
        for (int i = 0; i < weighted.size(); i++) {
            gradNormSums[i] += stepGradNorms[i];
        }
        // diagnostics see a non-finite loss too, so that a sentinel can name the layer where it started
        List<Diagnostic> diagnostics = parts.diagnostics();
        for (int i = 0; i < diagnostics.size(); i++) {
            diagnostics.get(i).afterBackward(this);
        }
        if (!Double.isFinite(loss)) {
            throw new DivergenceException(String.format(java.util.Locale.ROOT,
                    "training diverged: the loss became %s at epoch %d, step %d (batch %d of %d)%s; try a smaller learning rate "
                            + "(--set training.optimizer.lr=...), gradient clipping (training.gradient-transforms: [{id: clip-norm, max-norm: 1.0}]), "
                            + "or a smaller initialization",
                    loss, epoch, step, batch + 1, steps, stage == null ? "" : " in stage " + stage), epoch, step);
        }
        List<GradientTransform> transforms = parts.transforms();
        for (int i = 0; i < transforms.size(); i++) {
            transforms.get(i).apply(parameters, ops);
        }
        // the update ratio |dW| / |W| needs a copy of the weights and three passes over them: it is
        // measured on every updateRatioStride-th step of the epoch (about UPDATE_RATIO_SAMPLES an epoch)
        boolean sampleUpdate = batch % updateRatioStride == 0;
        if (!sampleUpdate) {
            parts.optimizer().step();
            return loss;
        }
        updateRatioSamples++;
        if (ops instanceof BlasOps blas && groups().weights != null) {
            // the same passes over all weights at once: copy, step, prev - w, the two norms
            Groups g = groups;
            blas.copy(g.weights, g.previous);
            parts.optimizer().step();
            blas.axpy(-1f, g.weights, g.previous); // prev - w = -delta
            blas.sumsOfSquares(g.weights, weightSquares);
            blas.sumsOfSquares(g.previous, deltaSquares);
            for (int i = 0; i < weighted.size(); i++) {
                double wn = Math.sqrt(weightSquares[i]);
                updateRatioSums[i] += wn == 0 ? 0 : Math.sqrt(deltaSquares[i]) / wn;
            }
            return loss;
        }
        for (int i = 0; i < weighted.size(); i++) {
            previousWeights[i].copyFrom(weighted.get(i).weight().value());
        }
        parts.optimizer().step();
        for (int i = 0; i < weighted.size(); i++) {
            Tensor w = weighted.get(i).weight().value();
            Tensor prev = previousWeights[i];
            ops.axpy(-1.0, w, prev); // prev - w = -delta
            double wn = ops.norm2(w);
            updateRatioSums[i] += wn == 0 ? 0 : ops.norm2(prev) / wn;
        }
        return loss;
    }

    @Override
    public void forEachPart(int count, java.util.function.IntConsumer part) {
        requireNonNull(part, "part is null");
        if (ops instanceof BlasOps blas) {
            blas.runParts(part, count); // with one thread, or one part, in order on this thread
            return;
        }
        ModelView.super.forEachPart(count, part);
    }

    /** Every parameter's gradient set to zero: one split pass over all of them with the BLAS kernels. */
    private void zeroGradients() {
        if (ops instanceof BlasOps blas && groups().grads != null) {
            blas.zero(groups.grads);
            return;
        }
        for (int i = 0; i < parameters.size(); i++) {
            parameters.get(i).grad().fill(0);
        }
    }

    /** {@code out[i]} = the L2 norm of weighted layer {@code i}'s weight gradient. */
    private void weightGradientNorms(double[] out) {
        if (ops instanceof BlasOps blas && groups().weightGrads != null) {
            blas.sumsOfSquares(groups.weightGrads, out);
            for (int i = 0; i < weighted.size(); i++) {
                out[i] = Math.sqrt(out[i]);
            }
            return;
        }
        for (int i = 0; i < weighted.size(); i++) {
            out[i] = ops.norm2(weighted.get(i).weight().grad());
        }
    }

    /** The float groups of the current parameters (made again by {@link #setModel}). */
    private Groups groups() {
        if (groups == null) {
            groups = Groups.of(parameters, weighted, previousWeights);
        }
        return groups;
    }

    /**
     * As float groups (null when not all float32): the gradients of all parameters; of the weighted
     * layers, the weight gradients, the weights, and the copies the update ratio measures against.
     */
    private record Groups(FloatGroup grads, FloatGroup weightGrads, FloatGroup weights, FloatGroup previous) {
        static Groups of(List<Parameter> parameters, List<LayerView> weighted, Tensor[] previousWeights) {
            List<Tensor> all = new ArrayList<>();
            for (Parameter p : parameters) {
                all.add(p.grad());
            }
            List<Tensor> weightGrads = new ArrayList<>();
            List<Tensor> weights = new ArrayList<>();
            for (LayerView v : weighted) {
                weightGrads.add(v.weight().grad());
                weights.add(v.weight().value());
            }
            FloatGroup w = FloatGroup.of(weights).orElse(null);
            FloatGroup prev = FloatGroup.of(List.of(previousWeights)).orElse(null);
            boolean pairs = w != null && prev != null && w.sameLayout(prev);
            return new Groups(FloatGroup.of(all).orElse(null), FloatGroup.of(weightGrads).orElse(null), pairs ? w : null, pairs ? prev : null);
        }
    }

    private void finishEpoch(String stage, int steps, int samples, double trainLoss, double trainAccuracy, long start, double trainSeconds) {
        double[] val = parts.validation() == null ? new double[] {Double.NaN, Double.NaN} : evaluate(parts.validation());
        double[] test = evaluate(parts.test());
        Map<String, Map<String, Object>> layerExtras = new LinkedHashMap<>();
        Map<String, Object> extra = new LinkedHashMap<>(recorded);
        recorded.clear();
        List<Finding> findings = new ArrayList<>();
        DiagnosticSink sink = new DiagnosticSink() {
            @Override
            public void metric(String key, Object value) {
                extra.put(key, value);
            }

            @Override
            public void layerMetric(String layer, String key, Object value) {
                layerExtras.computeIfAbsent(layer, k -> new LinkedHashMap<>()).put(key, value);
            }

            @Override
            public void finding(Finding finding) {
                findings.add(finding);
            }
        };
        for (GradientTransform t : parts.transforms()) {
            extra.putAll(t.lastStats());
        }
        for (Diagnostic d : parts.diagnostics()) {
            d.onEpochEnd(this, sink);
        }
        Map<String, Map<String, Object>> owned = new LinkedHashMap<>();
        List<Map<String, Object>> unowned = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : layerExtras.entrySet()) {
            String owner = figuresOwner.get(e.getKey());
            if (owner == null) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", e.getKey());
                entry.putAll(e.getValue());
                unowned.add(entry);
            } else {
                Map<String, Object> target = owned.computeIfAbsent(owner, k -> new LinkedHashMap<>());
                e.getValue().forEach(target::putIfAbsent);
            }
        }
        if (!unowned.isEmpty()) {
            extra.put("other_layers", unowned);
        }
        List<LayerMetrics> layers = new ArrayList<>();
        for (int i = 0; i < weighted.size(); i++) {
            LayerView v = weighted.get(i);
            layers.add(new LayerMetrics(v.name(), gradNormSums[i] / steps, ops.norm2(v.weight().value()),
                    updateRatioSums[i] / Math.max(1, updateRatioSamples), owned.getOrDefault(v.name(), Map.of())));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        EpochMetrics m = new EpochMetrics(epoch, stage, trainLoss, trainAccuracy, val[0], val[1], test[0], test[1],
                parts.optimizer().learningRate(), seconds, samples / Math.max(trainSeconds, 1e-9),
                List.copyOf(layers), extra, List.copyOf(findings));
        history.add(m);
        epochSink.accept(m);
        listener.onEpoch(m);
    }

    /** Mean loss and accuracy of the model on {@code data}, in evaluation mode. */
    public double[] evaluate(Dataset data) {
        int n = data.size();
        if (n == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        int[] order = new int[Math.min(batchSize, n)];
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < n; from += batchSize) {
            int count = Math.min(batchSize, n - from);
            for (int i = 0; i < count; i++) {
                order[i] = from + i;
            }
            Tensor x = inputs.get(dtype, count, data.width());
            Tensor y = targets.get(dtype, count, data.targetWidth());
            data.copyBatch(order, 0, count, x, y);
            Tensor out = model.forward(x, Mode.EVAL);
            lossSum += parts.loss().forward(out, y) * count;
            correct += correct(out, y, data.classes());
        }
        return new double[] {lossSum / n, data.classes() > 0 ? (double) correct / n : Double.NaN};
    }

    private static long correct(Tensor out, Tensor y, int classes) {
        if (classes == 0) {
            return 0;
        }
        int rows = out.rows();
        int cols = out.cols();
        long correct = 0;
        for (int r = 0; r < rows; r++) {
            int best = 0;
            double bestValue = out.get(r * cols);
            for (int c = 1; c < cols; c++) {
                double v = out.get(r * cols + c);
                if (v > bestValue) {
                    bestValue = v;
                    best = c;
                }
            }
            if (best == (int) y.get(r)) {
                correct++;
            }
        }
        return correct;
    }

    public List<EpochMetrics> history() {
        return List.copyOf(history);
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    // ---- ModelView ----

    @Override
    public List<LayerView> layers() {
        return leaves;
    }

    @Override
    public List<LayerView> weightedLayers() {
        return weighted;
    }

    @Override
    public int epoch() {
        return epoch;
    }

    @Override
    public long step() {
        return step;
    }

    @Override
    public double loss() {
        return currentLoss;
    }

    @Override
    public double[] weightGradNorms() {
        return stepGradNorms.clone();
    }

    @Override
    public double weightGradNorm(int index) {
        return stepGradNorms[index];
    }

    /** The run reached its step limit ({@link RunOptions#maxSteps()}); the epoch it happened in was recorded. */
    public static final class StepLimitReached extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public StepLimitReached(long maxSteps) {
            super("stopped after the step limit of " + maxSteps + " steps", null, false, false);
        }
    }

    /** The loss became NaN or infinite. */
    public static final class DivergenceException extends GradlabException {
        private static final long serialVersionUID = 1L;
        private final int epoch;
        private final long step;

        public DivergenceException(String message, int epoch, long step) {
            super(Category.NUMERIC, message);
            this.epoch = epoch;
            this.step = step;
        }

        public int epoch() {
            return epoch;
        }

        public long step() {
            return step;
        }
    }
}
