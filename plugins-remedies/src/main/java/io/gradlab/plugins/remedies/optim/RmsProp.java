package io.gradlab.plugins.remedies.optim;

import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
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
 * {@code v − ḡ²} is taken as at least 0 (it is, up to rounding).
 */
final class RmsProp extends AdaptiveOptimizer {
    private static final int WEIGHT_DECAY = 0;
    private static final int ALPHA = 1;
    private static final int ONE_MINUS_ALPHA = 2;
    private static final int EPS = 3;
    private static final int MOMENTUM = 4;
    private static final int LR = 5;

    private final double alpha;
    private final double eps;
    private final double weightDecay;
    private final double momentum;
    private final boolean centered;
    private final Elementwise program;

    RmsProp(double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered) {
        super(lr);
        this.alpha = alpha;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.centered = centered;
        this.program = program(weightDecay != 0, momentum > 0 ? 1 : -1, centered ? (momentum > 0 ? 2 : 1) : -1);
    }

    private static Elementwise program(boolean l2, int bufferIndex, int gradAvgIndex) {
        Expr g = l2 ? GRAD.add(s(WEIGHT_DECAY).mul(WEIGHT)) : GRAD;
        Expr v = buffer(0);
        Elementwise p = Elementwise.assign(FIRST_BUFFER_ARG, s(ALPHA).mul(v).add(s(ONE_MINUS_ALPHA).mul(g).mul(g)));
        Expr avg;
        if (gradAvgIndex >= 0) {
            Expr ga = buffer(gradAvgIndex);
            p = p.then(FIRST_BUFFER_ARG + gradAvgIndex, s(ALPHA).mul(ga).add(s(ONE_MINUS_ALPHA).mul(g)));
            avg = v.sub(ga.mul(ga)).max(0.0).sqrt().add(s(EPS));
        } else {
            avg = v.sqrt().add(s(EPS));
        }
        if (bufferIndex >= 0) {
            Expr b = buffer(bufferIndex);
            return p.then(FIRST_BUFFER_ARG + bufferIndex, s(MOMENTUM).mul(b).add(g.div(avg)))
                    .then(WEIGHT_ARG, WEIGHT.sub(s(LR).mul(b)));
        }
        return p.then(WEIGHT_ARG, WEIGHT.sub(s(LR).mul(g).div(avg)));
    }

    @Override
    List<String> bufferNames() {
        if (momentum > 0) {
            return centered ? List.of("square-avg", "momentum-buffer", "grad-avg") : List.of("square-avg", "momentum-buffer");
        }
        return centered ? List.of("square-avg", "grad-avg") : List.of("square-avg");
    }

    @Override
    Elementwise program() {
        return program;
    }

    @Override
    int scalarCount() {
        return LR + 1;
    }

    @Override
    void scalars(double[] out, long t, double lr) {
        out[WEIGHT_DECAY] = weightDecay;
        out[ALPHA] = alpha;
        out[ONE_MINUS_ALPHA] = 1 - alpha;
        out[EPS] = eps;
        out[MOMENTUM] = momentum;
        out[LR] = lr;
    }
}
