package io.gradlab.engine.builtin;

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
 * Stochastic gradient descent with PyTorch's semantics: {@code g = grad + wd w};
 * with momentum {@code b = mu b + g} ({@code b = g} on the first step) and {@code g = b}, or
 * {@code g = g + mu b} with Nesterov; then {@code w -= lr g}. The gradients are not modified.
 *
 * <p>A step is one {@link Ops#mapEach} pass over all trainable parameters (one per element type),
 * with the groups made again only when a parameter was frozen or unfrozen.
 */
final class Sgd implements Optimizer {
    private static final int LR = 0;
    private static final int WEIGHT_DECAY = 1;
    private static final int MOMENTUM = 2;

    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;
    /** The update, and with momentum the first step's ({@code b = g}); arguments: weight, gradient, momentum buffer. */
    private final Elementwise update;
    private final Elementwise firstUpdate;
    private final double[] scalars = new double[3];
    private double lr;
    private Ops ops;
    private List<Parameter> params = List.of();
    private List<Tensor> buffers = List.of();
    private long steps;
    /** Which parameters were trainable when the groups were made; per element type, the argument groups. */
    private boolean[] trainable;
    private TensorGroup[][] groups;

    Sgd(double lr, double momentum, boolean nesterov, double weightDecay) {
        this.lr = lr;
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
        Expr w = Expr.arg(0);
        Expr g = weightDecay != 0 ? Expr.arg(1).add(Expr.scalar(WEIGHT_DECAY).mul(w)) : Expr.arg(1);
        if (momentum > 0) {
            this.update = momentumUpdate(Expr.scalar(MOMENTUM).mul(Expr.arg(2)).add(g), g);
            this.firstUpdate = momentumUpdate(g, g);
        } else {
            this.update = Elementwise.assign(0, w.sub(Expr.scalar(LR).mul(g)));
            this.firstUpdate = update;
        }
    }

    /** {@code b = buffer; w -= lr (g + mu b)} with Nesterov, else {@code w -= lr b}. */
    private Elementwise momentumUpdate(Expr buffer, Expr g) {
        Expr w = Expr.arg(0);
        Expr b = Expr.arg(2);
        Expr direction = nesterov ? g.add(Expr.scalar(MOMENTUM).mul(b)) : b;
        return Elementwise.assign(2, buffer).then(0, w.sub(Expr.scalar(LR).mul(direction)));
    }

    @Override
    public void bind(List<Parameter> parameters, Ops ops) {
        this.params = List.copyOf(parameters);
        this.ops = ops;
        List<Tensor> b = new ArrayList<>();
        if (momentum > 0) {
            for (Parameter p : params) {
                b.add(Tensor.zeros(p.value().dtype(), p.value().shape()));
            }
        }
        this.buffers = b;
        this.trainable = null;
        this.groups = null;
    }

    @Override
    public void step() {
        if (groups == null || trainableChanged()) {
            regroup();
        }
        scalars[LR] = lr;
        scalars[WEIGHT_DECAY] = weightDecay;
        scalars[MOMENTUM] = momentum;
        Elementwise program = steps == 0 ? firstUpdate : update;
        for (TensorGroup[] args : groups) {
            ops.mapEach(program, scalars, args);
        }
        steps++;
    }

    private boolean trainableChanged() {
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).trainable() != trainable[i]) {
                return true;
            }
        }
        return false;
    }

    /** Per element type, the groups of the trainable parameters' values, gradients and momentum buffers. */
    private void regroup() {
        trainable = new boolean[params.size()];
        List<TensorGroup[]> made = new ArrayList<>();
        for (DType dtype : DType.values()) {
            List<Tensor> values = new ArrayList<>();
            List<Tensor> grads = new ArrayList<>();
            List<Tensor> bufs = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i);
                trainable[i] = p.trainable();
                if (p.trainable() && p.value().dtype() == dtype) {
                    values.add(p.value());
                    grads.add(p.grad());
                    if (momentum > 0) {
                        bufs.add(buffers.get(i));
                    }
                }
            }
            if (!values.isEmpty()) {
                made.add(momentum > 0 ? new TensorGroup[] {TensorGroup.of(values), TensorGroup.of(grads), TensorGroup.of(bufs)}
                        : new TensorGroup[] {TensorGroup.of(values), TensorGroup.of(grads)});
            }
        }
        groups = made.toArray(new TensorGroup[0][]);
    }

    @Override
    public double learningRate() {
        return lr;
    }

    @Override
    public void setLearningRate(double learningRate) {
        this.lr = learningRate;
    }

    @Override
    public List<Tensor> state() {
        return buffers;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public void restoreSteps(long steps) {
        this.steps = steps;
    }
}
