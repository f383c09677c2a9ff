package io.gradlab.plugins.remedies.optim;

import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
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
    private static final int WEIGHT_DECAY = 0;
    private static final int CLR = 1;
    private static final int EPS = 2;

    private final double lrDecay;
    private final double weightDecay;
    private final double initialAccumulator;
    private final double eps;
    private final Elementwise program;

    Adagrad(double lr, double lrDecay, double weightDecay, double initialAccumulator, double eps) {
        super(lr);
        this.lrDecay = lrDecay;
        this.weightDecay = weightDecay;
        this.initialAccumulator = initialAccumulator;
        this.eps = eps;
        Expr g = weightDecay != 0 ? GRAD.add(s(WEIGHT_DECAY).mul(WEIGHT)) : GRAD;
        Expr sum = buffer(0);
        this.program = Elementwise.assign(FIRST_BUFFER_ARG, sum.add(g.mul(g)))
                .then(WEIGHT_ARG, WEIGHT.sub(s(CLR).mul(g).div(sum.sqrt().add(s(EPS)))));
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
    Elementwise program() {
        return program;
    }

    @Override
    int scalarCount() {
        return EPS + 1;
    }

    @Override
    void scalars(double[] out, long t, double lr) {
        out[WEIGHT_DECAY] = weightDecay;
        out[CLR] = lr / (1 + (t - 1) * lrDecay);
        out[EPS] = eps;
    }
}
