package io.gradlab.plugins.remedies.optim;

import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
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
    private static final int DECAY = 0;
    private static final int L2 = 1;
    private static final int BETA1 = 2;
    private static final int ONE_MINUS_BETA1 = 3;
    private static final int BETA2 = 4;
    private static final int ONE_MINUS_BETA2 = 5;
    private static final int STEP_SIZE = 6;
    private static final int BC2_SQRT = 7;
    private static final int EPS = 8;

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;
    private final boolean amsgrad;
    private final Elementwise program;

    Adam(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled, boolean amsgrad) {
        super(lr);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.amsgrad = amsgrad;
        this.program = program(weightDecay != 0 && decoupled, weightDecay != 0 && !decoupled, amsgrad);
    }

    /** θ (1 − lr λ) written as θ − (lr λ) θ, which keeps lr λ exact in float32 too. */
    private static Elementwise program(boolean decay, boolean l2, boolean amsgrad) {
        Expr m = buffer(0);
        Expr v = buffer(1);
        Expr g = l2 ? GRAD.add(s(L2).mul(WEIGHT)) : GRAD;
        Elementwise p = decay ? Elementwise.assign(WEIGHT_ARG, WEIGHT.sub(s(DECAY).mul(WEIGHT))) : null;
        p = then(p, FIRST_BUFFER_ARG, s(BETA1).mul(m).add(s(ONE_MINUS_BETA1).mul(g)));
        p = p.then(FIRST_BUFFER_ARG + 1, s(BETA2).mul(v).add(s(ONE_MINUS_BETA2).mul(g).mul(g)));
        Expr vhat = v;
        if (amsgrad) {
            p = p.then(FIRST_BUFFER_ARG + 2, buffer(2).max(v));
            vhat = buffer(2);
        }
        return p.then(WEIGHT_ARG, WEIGHT.sub(s(STEP_SIZE).mul(m).div(vhat.sqrt().div(s(BC2_SQRT)).add(s(EPS)))));
    }

    private static Elementwise then(Elementwise p, int target, Expr e) {
        return p == null ? Elementwise.assign(target, e) : p.then(target, e);
    }

    @Override
    List<String> bufferNames() {
        return amsgrad ? List.of("exp-avg", "exp-avg-sq", "max-exp-avg-sq") : List.of("exp-avg", "exp-avg-sq");
    }

    @Override
    Elementwise program() {
        return program;
    }

    @Override
    int scalarCount() {
        return EPS + 1;
    }

    @Override
    void scalars(double[] out, long t, double lr) {
        out[DECAY] = decoupled ? lr * weightDecay : 0.0;
        out[L2] = decoupled ? 0.0 : weightDecay;
        out[BETA1] = beta1;
        out[ONE_MINUS_BETA1] = 1 - beta1;
        out[BETA2] = beta2;
        out[ONE_MINUS_BETA2] = 1 - beta2;
        out[STEP_SIZE] = lr / (1.0 - Math.pow(beta1, t));
        out[BC2_SQRT] = Math.sqrt(1.0 - Math.pow(beta2, t));
        out[EPS] = eps;
    }
}
