package io.gradlab.plugins.remedies.optim;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Tensor;
import java.util.List;

/**
 * Adam and AdamW with PyTorch's semantics ({@code torch.optim.Adam}, {@code torch.optim.AdamW}).
 * Per element, with {@code t} the parameter's step:
 * <pre>
 *   AdamW: θ ← θ (1 − lr λ)                  Adam: g ← g + λ θ   (L2 penalty)
 *   m ← β1 m + (1 − β1) g
 *   v ← β2 v + (1 − β2) g²
 *   v̂ ← max(v̂, v) with amsgrad, else v
 *   θ ← θ − lr / (1 − β1^t) · m / (sqrt(v̂) / sqrt(1 − β2^t) + ε)
 * </pre>
 * State per parameter: {@code exp-avg}, {@code exp-avg-sq} (and {@code max-exp-avg-sq} with amsgrad).
 */
final class Adam extends AdaptiveOptimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;
    private final boolean amsgrad;

    Adam(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled, boolean amsgrad) {
        super(lr);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.amsgrad = amsgrad;
    }

    @Override
    List<String> bufferNames() {
        return amsgrad ? List.of("exp-avg", "exp-avg-sq", "max-exp-avg-sq") : List.of("exp-avg", "exp-avg-sq");
    }

    @Override
    void update(Parameter p, Tensor[] buffers, long t, double lr) {
        Tensor theta = p.value();
        Tensor grad = p.grad();
        Tensor m = buffers[0];
        Tensor v = buffers[1];
        Tensor vmax = amsgrad ? buffers[2] : null;
        double bc1 = 1.0 - Math.pow(beta1, t);
        double bc2Sqrt = Math.sqrt(1.0 - Math.pow(beta2, t));
        double stepSize = lr / bc1;
        double l2 = decoupled ? 0.0 : weightDecay;
        double shrink = decoupled ? 1.0 - lr * weightDecay : 1.0;
        int n = theta.size();
        for (int i = 0; i < n; i++) {
            double w = theta.get(i) * shrink;
            double g = grad.get(i) + l2 * w;
            double mi = beta1 * m.get(i) + (1 - beta1) * g;
            double vi = beta2 * v.get(i) + (1 - beta2) * g * g;
            m.set(i, mi);
            v.set(i, vi);
            double vhat = vi;
            if (vmax != null) {
                vhat = Math.max(vmax.get(i), vi);
                vmax.set(i, vhat);
            }
            theta.set(i, w - stepSize * mi / (Math.sqrt(vhat) / bc2Sqrt + eps));
        }
    }
}
