package io.gradlab.plugins.remedies.optim;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Tensor;
import java.util.List;

/**
 * RMSprop with PyTorch's semantics ({@code torch.optim.RMSprop}), per element:
 * <pre>
 *   g ← g + λ θ
 *   v ← α v + (1 − α) g²
 *   centered: ḡ ← α ḡ + (1 − α) g;  avg = sqrt(v − ḡ²) + ε,   else avg = sqrt(v) + ε
 *   momentum μ > 0: b ← μ b + g / avg;  θ ← θ − lr b,          else θ ← θ − lr g / avg
 * </pre>
 * State per parameter: {@code square-avg}, then {@code momentum-buffer} (when μ > 0), then {@code grad-avg} (when centered).
 */
final class RmsProp extends AdaptiveOptimizer {
    private final double alpha;
    private final double eps;
    private final double weightDecay;
    private final double momentum;
    private final boolean centered;
    private final int bufferIndex;
    private final int gradAvgIndex;

    RmsProp(double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        super(lr);
        this.alpha = alpha;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.centered = centered;
        this.bufferIndex = momentum > 0 ? 1 : -1;
        this.gradAvgIndex = centered ? (momentum > 0 ? 2 : 1) : -1;
    }

    @Override
    List<String> bufferNames() {
        if (momentum > 0) {
            return centered ? List.of("square-avg", "momentum-buffer", "grad-avg") : List.of("square-avg", "momentum-buffer");
        }
        return centered ? List.of("square-avg", "grad-avg") : List.of("square-avg");
    }

    @Override
    void update(Parameter p, Tensor[] buffers, long t, double lr) {
        Tensor theta = p.value();
        Tensor grad = p.grad();
        Tensor v = buffers[0];
        Tensor buf = bufferIndex >= 0 ? buffers[bufferIndex] : null;
        Tensor gAvg = gradAvgIndex >= 0 ? buffers[gradAvgIndex] : null;
        int n = theta.size();
        for (int i = 0; i < n; i++) {
            double w = theta.get(i);
            double g = grad.get(i) + weightDecay * w;
            double vi = alpha * v.get(i) + (1 - alpha) * g * g;
            v.set(i, vi);
            double avg;
            if (gAvg != null) {
                double ga = alpha * gAvg.get(i) + (1 - alpha) * g;
                gAvg.set(i, ga);
                avg = Math.sqrt(Math.max(0.0, vi - ga * ga)) + eps; // v >= ga^2 up to rounding
            } else {
                avg = Math.sqrt(vi) + eps;
            }
            if (buf != null) {
                double b = momentum * buf.get(i) + g / avg;
                buf.set(i, b);
                theta.set(i, w - lr * b);
            } else {
                theta.set(i, w - lr * g / avg);
            }
        }
    }
}
