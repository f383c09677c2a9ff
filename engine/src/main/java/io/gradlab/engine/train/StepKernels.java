package io.gradlab.engine.train;

import io.gradlab.api.diag.LayerView;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.Optimizer;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.kernel.FloatGroup;
import io.gradlab.engine.nn.SoftmaxCrossEntropy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The passes of a training step over all parameters at once, and the one place where the loop reaches
 * past {@link Ops} to the BLAS kernels: with {@link BlasOps} and float32 parameters each pass treats
 * all tensors as one index space ({@link FloatGroup}) split over the kernel threads; otherwise it goes
 * tensor by tensor through {@link Ops}. Both give the figures the loop records.
 */
final class StepKernels {
    private final DType dtype;
    private final Ops ops;
    private List<Parameter> parameters = List.of();
    private List<LayerView> weighted = List.of();
    private Tensor[] previousWeights = new Tensor[0];
    private double[] weightSquares = new double[0];
    private double[] deltaSquares = new double[0];
    private Groups groups;

    StepKernels(DType dtype, Ops ops) {
        this.dtype = dtype;
        this.ops = ops;
    }

    /** Works on these parameters and weighted layers from now on (a new model). */
    void bind(List<Parameter> parameters, List<LayerView> weighted) {
        this.parameters = parameters;
        this.weighted = weighted;
        this.previousWeights = new Tensor[weighted.size()];
        for (int i = 0; i < weighted.size(); i++) {
            previousWeights[i] = Tensor.zeros(dtype, weighted.get(i).weight().value().shape());
        }
        this.weightSquares = new double[weighted.size()];
        this.deltaSquares = new double[weighted.size()];
        this.groups = null;
    }

    /** Every parameter's gradient set to zero: one split pass over all of them with the BLAS kernels. */
    void zeroGradients() {
        if (ops instanceof BlasOps blas && groups().grads != null) {
            blas.zero(groups.grads);
            return;
        }
        for (int i = 0; i < parameters.size(); i++) {
            parameters.get(i).grad().fill(0);
        }
    }

    /** The loss of {@code out} against {@code y}, and its gradient written into {@code gradOut}. */
    double lossForwardBackward(Loss loss, Tensor out, Tensor y, Tensor gradOut) {
        if (loss instanceof SoftmaxCrossEntropy sce && ops instanceof BlasOps blas) {
            return sce.forwardBackward(out, y, gradOut, blas); // the same bits, the rows on both threads
        }
        double value = loss.forward(out, y);
        loss.backward(out, y, gradOut);
        return value;
    }

    /** {@code out[i]} = the L2 norm of weighted layer {@code i}'s weight gradient. */
    void weightGradientNorms(double[] out) {
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

    /**
     * Runs {@code optimizer.step()} and adds each weighted layer's update ratio {@code |dW| / |W|} of
     * that step to {@code ratioSums[i]} (0 for an all-zero weight): a copy of the weights before the
     * step, their difference after it, and the two norms.
     */
    void stepMeasuringUpdate(Optimizer optimizer, double[] ratioSums) {
        if (ops instanceof BlasOps blas && groups().weights != null) {
            // the same passes over all weights at once: copy, step, prev - w, the two norms
            Groups g = groups;
            blas.copy(g.weights, g.previous);
            optimizer.step();
            blas.axpy(-1f, g.weights, g.previous); // prev - w = -delta
            blas.sumsOfSquares(g.weights, weightSquares);
            blas.sumsOfSquares(g.previous, deltaSquares);
            for (int i = 0; i < weighted.size(); i++) {
                double wn = Math.sqrt(weightSquares[i]);
                ratioSums[i] += wn == 0 ? 0 : Math.sqrt(deltaSquares[i]) / wn;
            }
            return;
        }
        for (int i = 0; i < weighted.size(); i++) {
            previousWeights[i].copyFrom(weighted.get(i).weight().value());
        }
        optimizer.step();
        for (int i = 0; i < weighted.size(); i++) {
            Tensor w = weighted.get(i).weight().value();
            Tensor prev = previousWeights[i];
            ops.axpy(-1.0, w, prev); // prev - w = -delta
            double wn = ops.norm2(w);
            ratioSums[i] += wn == 0 ? 0 : ops.norm2(prev) / wn;
        }
    }

    /**
     * {@link io.gradlab.api.diag.ModelView#forEachPart} on the kernel threads (with one thread, or one
     * part, in order on this thread); false, having run nothing, when the kernels are not BLAS.
     */
    boolean forEachPart(int count, IntConsumer part) {
        if (ops instanceof BlasOps blas) {
            blas.runParts(part, count);
            return true;
        }
        return false;
    }

    /** The float groups of the current parameters (made again after {@link #bind}). */
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
}
