package io.gradlab.engine.builtin;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.Optimizer;
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
    }

    @Override
    public void step() {
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
