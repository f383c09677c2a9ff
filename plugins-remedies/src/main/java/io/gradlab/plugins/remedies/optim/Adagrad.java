package io.gradlab.plugins.remedies.optim;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Tensor;
import java.util.List;

/**
 * Adagrad with PyTorch's semantics ({@code torch.optim.Adagrad}), per element, {@code t} the
 * parameter's step:
 * <pre>
 *   lr_t = lr / (1 + (t − 1) η)
 *   g ← g + λ θ
 *   s ← s + g²          (s starts at initial-accumulator-value)
 *   θ ← θ − lr_t g / (sqrt(s) + ε)
 * </pre>
 * State per parameter: {@code sum}.
 */
final class Adagrad extends AdaptiveOptimizer {
    private final double lrDecay;
    private final double weightDecay;
    private final double initialAccumulator;
    private final double eps;

    Adagrad(double lr, double lrDecay, double weightDecay, double initialAccumulator, double eps) {
        super(lr);
        this.lrDecay = lrDecay;
        this.weightDecay = weightDecay;
        this.initialAccumulator = initialAccumulator;
        this.eps = eps;
    }

    @Override
    List<String> bufferNames() {
        return List.of("sum");
    }

    @Override
    void initialize(Tensor[] buffers) {
        buffers[0].fill(initialAccumulator);
    }

    @Override
    void update(Parameter p, Tensor[] buffers, long t, double lr) {
        Tensor theta = p.value();
        Tensor grad = p.grad();
        Tensor sum = buffers[0];
        double clr = lr / (1 + (t - 1) * lrDecay);
        int n = theta.size();
        for (int i = 0; i < n; i++) {
            double w = theta.get(i);
            double g = grad.get(i) + weightDecay * w;
            double s = sum.get(i) + g * g;
            sum.set(i, s);
            theta.set(i, w - clr * g / (Math.sqrt(s) + eps));
        }
    }
}
