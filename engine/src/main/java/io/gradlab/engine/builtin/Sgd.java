package io.gradlab.engine.builtin;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.Optimizer;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.kernel.FloatGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * Stochastic gradient descent with PyTorch's semantics: {@code g = grad + wd w};
 * with momentum {@code b = mu b + g} ({@code b = g} on the first step) and {@code g = b}, or
 * {@code g = g + mu b} with Nesterov; then {@code w -= lr g}.
 */
final class Sgd implements Optimizer {
    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;
    private double lr;
    private List<Parameter> params = List.of();
    private List<Tensor> buffers = List.of();
    private long steps;
    /** Plain SGD's split pass: the trainable parameters' gradients and values, and which were trainable. */
    private FloatGroup gradGroup;
    private FloatGroup valueGroup;
    private boolean[] trainableMask;

    Sgd(double lr, double momentum, boolean nesterov, double weightDecay) {
        this.lr = lr;
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    private Ops ops;

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
        this.trainableMask = null;
        this.gradGroup = null;
        this.valueGroup = null;
    }

    @Override
    public void step() {
        if (momentum == 0 && weightDecay == 0 && ops instanceof BlasOps blas && plainGroups()) {
            // plain SGD, w -= lr g over all trainable parameters in one split pass
            blas.axpy((float) -lr, gradGroup, valueGroup);
            steps++;
            return;
        }
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            if (!p.trainable()) {
                continue;
            }
            Tensor g = p.grad();
            if (weightDecay != 0) {
                ops.axpy(weightDecay, p.value(), g);
            }
            if (momentum > 0) {
                Tensor buf = buffers.get(i);
                if (steps == 0) {
                    buf.copyFrom(g);
                } else {
                    ops.scale(momentum, buf);
                    ops.axpy(1.0, g, buf);
                }
                if (nesterov) {
                    ops.axpy(momentum, buf, g);
                } else {
                    g = buf;
                }
            }
            ops.axpy(-lr, g, p.value());
        }
        steps++;
    }

    /**
     * Whether the trainable parameters are all float32, with their gradient and value groups made
     * (again when a parameter was frozen or unfrozen since the last step).
     */
    private boolean plainGroups() {
        boolean same = trainableMask != null && trainableMask.length == params.size();
        for (int i = 0; same && i < params.size(); i++) {
            same = trainableMask[i] == params.get(i).trainable();
        }
        if (same) {
            return gradGroup != null;
        }
        trainableMask = new boolean[params.size()];
        List<Tensor> grads = new ArrayList<>();
        List<Tensor> values = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            trainableMask[i] = p.trainable();
            if (p.trainable()) {
                grads.add(p.grad());
                values.add(p.value());
            }
        }
        gradGroup = FloatGroup.of(grads).orElse(null);
        valueGroup = gradGroup == null ? null : FloatGroup.of(values).orElse(null);
        if (valueGroup == null) {
            gradGroup = null;
        }
        return gradGroup != null;
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
