package io.gradlab.engine.train;

import io.gradlab.api.diag.LayerView;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import io.gradlab.api.train.Optimizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The passes of a training step over all parameters at once, each one {@link Ops#mapEach} or
 * {@link Ops#sumEach} over a {@link TensorGroup} (one hand-over to the kernel threads, as PyTorch's
 * "foreach" kernels): zeroing the gradients, the weight-gradient norms, and the update ratio's copy,
 * difference and norms.
 */
final class StepKernels {
    private static final Elementwise ZERO = Elementwise.assign(0, Expr.constant(0));
    private static final Elementwise COPY = Elementwise.assign(1, Expr.arg(0));
    /** {@code previous = previous - weight}: minus the step's change. */
    private static final Elementwise MINUS_DELTA = Elementwise.assign(1, Expr.arg(1).sub(Expr.arg(0)));
    private static final Expr SQUARE = Expr.arg(0).square();

    private final DType dtype;
    private final Ops ops;
    private TensorGroup grads = TensorGroup.of(List.of());
    private TensorGroup weightGrads = TensorGroup.of(List.of());
    private TensorGroup weights = TensorGroup.of(List.of());
    private TensorGroup previous = TensorGroup.of(List.of());
    private final TensorGroup[] one = new TensorGroup[1];
    private final TensorGroup[] pair = new TensorGroup[2];
    private double[] weightSquares = new double[0];
    private double[] deltaSquares = new double[0];

    StepKernels(DType dtype, Ops ops) {
        this.dtype = dtype;
        this.ops = ops;
    }

    /** Works on these parameters and weighted layers from now on (a new model). */
    void bind(List<Parameter> parameters, List<LayerView> weighted) {
        List<Tensor> g = new ArrayList<>();
        for (Parameter p : parameters) {
            g.add(p.grad());
        }
        List<Tensor> wg = new ArrayList<>();
        List<Tensor> w = new ArrayList<>();
        List<Tensor> prev = new ArrayList<>();
        for (LayerView v : weighted) {
            wg.add(v.weight().grad());
            w.add(v.weight().value());
            prev.add(Tensor.zeros(dtype, v.weight().value().shape()));
        }
        this.grads = TensorGroup.of(g);
        this.weightGrads = TensorGroup.of(wg);
        this.weights = TensorGroup.of(w);
        this.previous = TensorGroup.of(prev);
        this.weightSquares = new double[weighted.size()];
        this.deltaSquares = new double[weighted.size()];
    }

    /** The reused one-group argument array (no varargs array per call). */
    private TensorGroup[] with(TensorGroup g) {
        one[0] = g;
        return one;
    }

    /** Every parameter's gradient set to zero, in one pass over all of them. */
    void zeroGradients() {
        ops.mapEach(ZERO, null, with(grads));
    }

    /** The loss of {@code out} against {@code y}, and its gradient written into {@code gradOut}. */
    double lossForwardBackward(Loss loss, Tensor out, Tensor y, Tensor gradOut) {
        return loss.forwardBackward(out, y, gradOut, ops);
    }

    /** {@code out[i]} = the L2 norm of weighted layer {@code i}'s weight gradient. */
    void weightGradientNorms(double[] out) {
        ops.sumEachOfSquares(out, with(weightGrads)); // vanishing gradients' tiny elements counted in float32 too
        for (int i = 0; i < weightGrads.size(); i++) {
            out[i] = Math.sqrt(out[i]);
        }
    }

    /**
     * Runs {@code optimizer.step()} and adds each weighted layer's update ratio {@code |dW| / |W|} of
     * that step to {@code ratioSums[i]} (0 for an all-zero weight): a copy of the weights before the
     * step, their difference after it, and the two norms, each one pass over all weights.
     */
    void stepMeasuringUpdate(Optimizer optimizer, double[] ratioSums) {
        pair[0] = weights;
        pair[1] = previous;
        ops.mapEach(COPY, null, pair);
        optimizer.step();
        ops.mapEach(MINUS_DELTA, null, pair);
        ops.sumEach(SQUARE, weightSquares, null, with(weights));
        ops.sumEachOfSquares(deltaSquares, with(previous));
        for (int i = 0; i < weights.size(); i++) {
            double wn = Math.sqrt(weightSquares[i]);
            ratioSums[i] += wn == 0 ? 0 : Math.sqrt(deltaSquares[i]) / wn;
        }
    }
}
