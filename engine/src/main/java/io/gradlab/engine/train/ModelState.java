package io.gradlab.engine.train;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.LayerHook;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.Optimizer;
import io.gradlab.engine.nn.ActivationLayer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The model as diagnostics see it ({@link ModelView}): its leaves and weighted layers, the run's
 * position, and the figures the engine measures, each in this one place: the weight-gradient norm
 * of every step, its mean over the epoch ({@code grad_norm}), the update ratio {@code |dW| / |W|}
 * of sampled steps and its mean over the epoch ({@code update_ratio}), the norm of the gradient that
 * reaches each weighted layer's output, averaged over the epoch ({@code signal_norm}), and the weight norm
 * ({@code weight_norm}). The loop calls the measuring methods in step order; they allocate nothing.
 */
final class ModelState implements ModelView {
    /** Update ratios are averaged over about this many evenly spaced steps of each epoch (every step of short epochs). */
    static final int UPDATE_RATIO_SAMPLES = 32;

    private final Ops ops;
    private final StepKernels kernels;
    private final int epochs;
    private List<Parameter> parameters = List.of();
    private List<LayerView> leaves = List.of();
    private List<LayerView> weighted = List.of();
    private double[] stepGradNorms = new double[0];
    private double[] gradNormSums = new double[0];
    private int gradNormSteps;
    private double[] signalSums = new double[0];
    private int[] signalSteps = new int[0];
    /** Per weighted layer, the hook that keeps the gradient its output received (the diagnostics' dL/da). */
    private Signal[] signals = new Signal[0];
    /** Steps measured since the epoch started: which of them sample the signal. */
    private int measuredInEpoch;
    private double[] updateRatioSums = new double[0];
    /** The step split by rows whose copies hold the rest of a split pass's signal, or null. */
    private ShardedStep sharded;
    private int updateRatioStride = 1;
    private int updateRatioSamples;
    private int epoch;
    private long step;
    private double loss = Double.NaN;

    ModelState(DType dtype, Ops ops, int epochs) {
        this.ops = requireNonNull(ops, "ops is null");
        this.kernels = new StepKernels(dtype, ops);
        this.epochs = epochs;
    }

    /**
     * Views {@code model} from now on (built, with its parameters); the epoch's figures start again. With a
     * {@code sharded} step (or null), the layers diagnostics see gather the row ranges of a split pass.
     */
    void bind(Layer model, ShardedStep sharded) {
        List<Parameter> params = new ArrayList<>();
        List<LayerView> leafViews = new ArrayList<>();
        collect(model, params, leafViews);
        this.sharded = sharded;
        this.parameters = List.copyOf(params);
        this.leaves = List.copyOf(sharded == null ? leafViews : sharded.views(leafViews));
        this.weighted = leaves.stream().filter(v -> v.weight() != null).toList(); // a split pass's whole batch too
        kernels.bind(parameters, weighted);
        this.stepGradNorms = new double[weighted.size()];
        this.gradNormSums = new double[weighted.size()];
        this.updateRatioSums = new double[weighted.size()];
        this.signalSums = new double[weighted.size()];
        this.signalSteps = new int[weighted.size()];
        for (Signal old : signals) {
            old.layer.removeHook(old);
        }
        this.signals = new Signal[weighted.size()];
        List<LayerView> own = leafViews.stream().filter(v -> v.weight() != null).toList();
        for (int i = 0; i < signals.length; i++) {
            signals[i] = new Signal(own.get(i).layer());
            signals[i].layer.addHook(signals[i]);
        }
    }

    /**
     * The back-propagated signal is read through a layer hook, as a user's hooks read it ({@link Layer#addHook}):
     * the reference to dL/da of the last backward pass (the layer's own buffer; nothing is copied).
     */
    private static final class Signal implements LayerHook {
        final Layer layer;
        Tensor last;

        Signal(Layer layer) {
            this.layer = layer;
        }

        @Override
        public void afterBackward(Layer l, Tensor gradOutput, Tensor gradInput) {
            last = gradOutput;
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

    List<Parameter> parameters() {
        return parameters;
    }

    StepKernels kernels() {
        return kernels;
    }

    // ---- the position, advanced by the loop ----

    /** Counts the next epoch and returns its number. */
    int nextEpoch() {
        return ++epoch;
    }

    /** Counts the next step. */
    void nextStep() {
        step++;
    }

    /** Continues counting steps after {@code restored} (a checkpoint's step). */
    void restoreStep(long restored) {
        this.step = restored;
    }

    void setLoss(double loss) {
        this.loss = loss;
    }

    // ---- the figures ----

    /** A new epoch of {@code steps} steps: the epoch's sums start from zero and its update-ratio steps are chosen. */
    void startEpoch(int steps) {
        Arrays.fill(gradNormSums, 0);
        gradNormSteps = 0;
        Arrays.fill(updateRatioSums, 0);
        Arrays.fill(signalSums, 0);
        Arrays.fill(signalSteps, 0);
        updateRatioStride = Math.max(1, steps / UPDATE_RATIO_SAMPLES);
        updateRatioSamples = 0;
        measuredInEpoch = 0;
    }

    /**
     * After the backward pass: each weighted layer's weight-gradient norm of this step, added to the
     * epoch's sums; on the update ratio's sampled steps (every {@code updateRatioStride}-th of the epoch)
     * also the norm of the gradient its output received (the back-propagated signal), whose epoch mean
     * is an estimate from those steps like the update ratio's (a pass over every layer's output gradient
     * on every step cost a few percent of a step).
     */
    void measureGradients() {
        kernels.weightGradientNorms(stepGradNorms);
        boolean sampled = measuredInEpoch++ % updateRatioStride == 0;
        for (int i = 0; i < stepGradNorms.length; i++) {
            gradNormSums[i] += stepGradNorms[i];
            if (!sampled) {
                continue;
            }
            if (sharded != null && sharded.lastPassSplit()) { // the copies' hooks saw the ranges of a split pass
                signalSums[i] += Math.sqrt(sharded.signalSquares(i));
                signalSteps[i]++;
            } else if (signals[i].last != null) {
                signalSums[i] += ops.norm2(signals[i].last);
                signalSteps[i]++;
            }
        }
        gradNormSteps++;
    }

    /**
     * The optimizer step of batch {@code batch} of the epoch; on every {@code updateRatioStride}-th
     * batch (about {@link #UPDATE_RATIO_SAMPLES} an epoch) with the update ratio measured around it,
     * which needs a copy of the weights and three passes over them.
     */
    void step(Optimizer optimizer, int batch) {
        if (batch % updateRatioStride != 0) {
            optimizer.step();
            return;
        }
        updateRatioSamples++;
        kernels.stepMeasuringUpdate(optimizer, updateRatioSums);
    }

    /** The mean update ratio of weighted layer {@code index} over the epoch's sampled steps; 0 when none was sampled. */
    double updateRatioMean(int index) {
        return updateRatioSums[index] / Math.max(1, updateRatioSamples);
    }

    /** The L2 norm of weighted layer {@code index}'s weights now. */
    double weightNorm(int index) {
        return ops.norm2(weighted.get(index).weight().value());
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
    public int epochs() {
        return epochs;
    }

    @Override
    public long step() {
        return step;
    }

    @Override
    public double loss() {
        return loss;
    }

    @Override
    public double[] weightGradNorms() {
        return stepGradNorms.clone();
    }

    @Override
    public double weightGradNorm(int index) {
        return stepGradNorms[index];
    }

    @Override
    public double epochWeightGradNorm(int index) {
        return gradNormSums[index] / gradNormSteps; // 0 / 0 = NaN before the epoch's first step
    }

    @Override
    public double epochSignalNorm(int index) {
        return signalSteps[index] == 0 ? Double.NaN : signalSums[index] / signalSteps[index];
    }

    @Override
    public double epochUpdateRatio(int index) {
        return updateRatioSamples == 0 ? Double.NaN : updateRatioMean(index);
    }

    @Override
    public Ops ops() {
        return ops;
    }

}
