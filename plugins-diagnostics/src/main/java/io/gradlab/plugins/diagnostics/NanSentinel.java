package io.gradlab.plugins.diagnostics;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * {@code nan-sentinel}: stops the run at the first non-finite value, in the order they were computed:
 * the outputs of the forward pass layer by layer, the loss, then the parameter gradients from the
 * output back to the input, then the parameters. Names the layer, the epoch and the step, and throws
 * {@link Diagnostic.StopTraining} so that the engine keeps everything written so far.
 *
 * <p>Every step costs nothing: it looks at the loss and the weight-gradient norms the engine computed
 * (a NaN anywhere upstream makes them non-finite); only then, and on every {@code every}-th step
 * (for a NaN that a ReLU swallowed), does it scan the tensors in that order to find where it began:
 * the outputs, the gradients and the parameters each in one kernel reduction over all of them
 * ({@link Ops#sumEach}, split over the threads), then the first non-finite one in that order. The outputs are
 * split by rows ({@link RowParts}): each kernel thread sums its part's rows of every output, the rows the
 * kernels' same part computed, in its own cache.
 */
final class NanSentinel implements Diagnostic {
    /** {@code x * 0}: 0 for a finite {@code x}, NaN for NaN and the infinities; so a sum is NaN exactly when an element is not finite. */
    private static final Expr TIMES_ZERO = Expr.arg(0).mul(0);

    private final int every;
    private final Tensor[] args = new Tensor[1];
    private final TensorGroup[] one = new TensorGroup[1];
    /** The tensors a scan sums, in its order, each kind together (one hand-over to the kernel threads). */
    private final Scanned outputs = new Scanned(true);
    private final Scanned grads = new Scanned(false);
    private final Scanned values = new Scanned(false);
    /** Per layer of the last scan, its number of parameters. */
    private int[] parameterCounts = new int[0];

    NanSentinel(int every) {
        this.every = every;
    }

    @Override
    public void afterBackward(ModelView model) {
        boolean suspicious = !Double.isFinite(model.loss());
        for (int i = 0, n = model.weightedLayers().size(); i < n; i++) {
            suspicious |= !Double.isFinite(model.weightGradNorm(i)); // not weightGradNorms(): no array per step
        }
        if (!suspicious && model.step() % every != 0) {
            return;
        }
        Ops ops = model.ops();
        List<LayerView> layers = model.layers();
        grads.start();
        values.start();
        if (parameterCounts.length < layers.size()) {
            parameterCounts = new int[layers.size()];
        }
        // summed in the model's order, the optimizer's: each kernel thread then reads the part of them it updates
        for (int i = 0, n = layers.size(); i < n; i++) {
            List<Parameter> parameters = layers.get(i).layer().parameters();
            parameterCounts[i] = parameters.size();
            for (int j = 0, m = parameters.size(); j < m; j++) {
                grads.take(parameters.get(j).grad());
                values.take(parameters.get(j).value());
            }
        }
        outputs.start();
        for (int i = 0, n = layers.size(); i < n; i++) {
            outputs.take(layers.get(i).layer().lastOutput()); // null: the layer keeps no output
        }
        outputs.sum(ops);
        for (int i = 0, n = layers.size(), k = 0; i < n; i++) {
            LayerView v = layers.get(i);
            Tensor out = v.layer().lastOutput();
            if (out != null && !outputs.finite(k++)) {
                stop(model, v.name(), "the output of layer '" + v.name() + "'", out);
            }
        }
        if (!Double.isFinite(model.loss())) {
            stop(model, null, "the loss (" + model.loss() + ")", null);
        }
        grads.sum(ops);
        values.sum(ops);
        // the order of computation: the layers from the output back, each one's parameters in order
        int end = grads.count;
        for (int i = layers.size() - 1; i >= 0; i--) {
            int first = end - parameterCounts[i];
            for (int k = first; k < end; k++) {
                if (!grads.finite(k) || !values.finite(k)) {
                    nonFiniteParameter(model, layers.get(i), k - first, !grads.finite(k));
                }
            }
            end = first;
        }
    }

    /** Stops at parameter {@code j} of layer {@code v}: its gradient, or else its value. */
    private static void nonFiniteParameter(ModelView model, LayerView v, int j, boolean gradient) {
        Parameter p = v.layer().parameters().get(j);
        if (gradient) {
            stop(model, v.name(), "the gradient of " + p.name() + " in layer '" + v.name() + "'", p.grad());
        }
        stop(model, v.name(), "the " + p.name() + " of layer '" + v.name() + "'", p.value());
    }

    /**
     * The tensors of one kind a scan checks, in order, summed as {@code x * 0} in one {@link Ops#sumEach} over a
     * {@link TensorGroup}, or one by one where they are not all of one element type. The groups of the last two
     * sets of tensors are kept (a full batch's outputs and an epoch's short last batch's), so a scan allocates
     * nothing once they are made.
     */
    private final class Scanned {
        private final boolean byRows;
        private Tensor[] tensors = new Tensor[16];
        int count;
        private final Tensor[][] keys = new Tensor[2][];
        private final TensorGroup[] groups = new TensorGroup[2];
        private final double[][] sums = {new double[0], new double[0]};
        /** Per set, per kernel part: the group of the part's rows of each tensor and its sums (null: not split by rows). */
        private final TensorGroup[][] partGroups = new TensorGroup[2][];
        private final double[][][] partSums = new double[2][][];
        /** Per set, per part: the one-group argument array of its call (made with the set: no array per scan). */
        private final TensorGroup[][][] partArgs = new TensorGroup[2][][];
        private final IntConsumer sumPart = this::sumPart;
        private Ops ops;
        private int current;
        private int last;

        Scanned(boolean byRows) {
            this.byRows = byRows;
        }

        void start() {
            count = 0;
        }

        void take(Tensor t) {
            if (t == null) {
                return;
            }
            if (count == tensors.length) {
                tensors = java.util.Arrays.copyOf(tensors, 2 * count);
            }
            tensors[count++] = t;
        }

        void sum(Ops ops) {
            current = matches(0) ? 0 : matches(1) ? 1 : -1;
            if (current < 0) {
                current = keys[0] == null ? 0 : keys[1] == null ? 1 : 1 - last; // a free entry, else the one not used last
                keys[current] = java.util.Arrays.copyOf(tensors, count);
                sums[current] = new double[count];
                boolean oneType = true;
                for (int i = 1; i < count; i++) {
                    oneType &= tensors[i].dtype() == tensors[0].dtype();
                }
                groups[current] = oneType && count > 0 ? TensorGroup.of(java.util.Arrays.asList(keys[current])) : null;
                partGroups[current] = groups[current] != null && byRows ? byRows(keys[current], ops.threads()) : null;
                if (partGroups[current] != null) {
                    partSums[current] = new double[partGroups[current].length][count];
                    partArgs[current] = new TensorGroup[partGroups[current].length][];
                    for (int p = 0; p < partArgs[current].length; p++) {
                        partArgs[current][p] = new TensorGroup[] {partGroups[current][p]};
                    }
                }
            }
            last = current;
            double[] out = sums[current];
            if (partGroups[current] != null) {
                this.ops = ops;
                ops.parallelFor(partGroups[current].length, sumPart);
                this.ops = null;
                java.util.Arrays.fill(out, 0);
                for (double[] part : partSums[current]) {
                    for (int i = 0; i < count; i++) {
                        out[i] += part[i];
                    }
                }
                return;
            }
            if (groups[current] != null) {
                one[0] = groups[current];
                ops.sumEach(TIMES_ZERO, out, null, one);
                one[0] = null;
                return;
            }
            for (int i = 0; i < count; i++) {
                out[i] = tensors[i].size() == 0 ? 0 : single(ops, tensors[i]);
            }
        }

        /** Part {@code p}'s sums of its rows of every tensor, on its thread. */
        private void sumPart(int p) {
            ops.sumEach(TIMES_ZERO, partSums[current][p], null, partArgs[current][p]);
        }

        private boolean matches(int k) {
            Tensor[] key = keys[k];
            if (key == null || key.length != count) {
                return false;
            }
            for (int i = 0; i < count; i++) {
                if (key[i] != tensors[i]) {
                    return false;
                }
            }
            return true;
        }

        boolean finite(int i) {
            return !Double.isNaN(sums[current][i]);
        }
    }

    /**
     * Per kernel part, the group of its rows of each of {@code tensors} ({@link RowParts}); null with one part or
     * where a tensor has fewer rows than there are parts (each part then has rows of every tensor).
     */
    private static TensorGroup[] byRows(Tensor[] tensors, int parts) {
        if (parts < 2) {
            return null;
        }
        for (Tensor t : tensors) {
            if (t.rank() == 0 || t.dim(0) < parts) {
                return null;
            }
        }
        RowParts rows = new RowParts(parts);
        TensorGroup[] out = new TensorGroup[parts];
        for (int p = 0; p < parts; p++) {
            List<Tensor> mine = new java.util.ArrayList<>();
            for (Tensor t : tensors) {
                mine.add(rows.rows(t, p));
            }
            out[p] = TensorGroup.of(mine);
        }
        return out;
    }

    private double single(Ops ops, Tensor t) {
        args[0] = t;
        double s = ops.sum(TIMES_ZERO, null, args);
        args[0] = null;
        return s;
    }

    private static void stop(ModelView model, String layer, String what, Tensor t) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("epoch", model.epoch());
        evidence.put("step", model.step());
        evidence.put("loss", model.loss());
        String detail = "";
        if (t != null) {
            int bad = Views.nonFinite(t);
            evidence.put("non_finite_values", bad);
            evidence.put("values", t.size());
            detail = " (" + bad + " of " + t.size() + " values, first " + Views.firstNonFinite(t) + ")";
        }
        throw new StopTraining(new Finding(Severity.CRITICAL, "non-finite", "training diverged: " + what
                + " became non-finite at epoch " + model.epoch() + ", step " + model.step() + detail
                + "; the run was stopped there. Try a smaller learning rate, gradient clipping or a smaller initialization", layer, evidence, List.copyOf(Remedies.NON_FINITE)));
    }
}
