package io.gradlab.plugins.remedies.grad;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.train.GradientTransform;
import java.util.List;
import java.util.Map;

/**
 * Clipping by the global norm: with {@code ||g||} the L2 norm over the gradients of all trainable
 * parameters together, every gradient becomes {@code g / max(1, ||g|| / maxNorm)} (the direction is
 * kept; only a norm above {@code maxNorm} is scaled down to it). Reports {@code pre_clip_norm} and
 * {@code clipped} (1 or 0) of the last application. Two passes over all gradients at once: the sums
 * of squares, then (when clipping) the scaling.
 */
final class ClipNorm implements GradientTransform {
    static final Expr SQUARE = Expr.arg(0).square();
    static final Elementwise SCALE = Elementwise.assign(0, Expr.arg(0).mul(Expr.scalar(0)));

    private final double maxNorm;
    private final TrainableGradients grads = new TrainableGradients();
    private final double[] scalars = new double[1];
    private double lastNorm = Double.NaN;
    private boolean lastClipped;

    ClipNorm(double maxNorm) {
        this.maxNorm = maxNorm;
    }

    @Override
    public void apply(List<Parameter> parameters, Ops ops) {
        grads.update(parameters);
        double sum = 0;
        for (int g = 0; g < grads.groups(); g++) {
            double[] sums = grads.sums(g);
            ops.sumEach(SQUARE, sums, null, grads.args(g));
            for (double s : sums) {
                sum += s;
            }
        }
        double norm = Math.sqrt(sum);
        double divisor = Math.max(1.0, norm / maxNorm);
        lastNorm = norm;
        lastClipped = divisor > 1.0;
        if (lastClipped) {
            scalars[0] = 1.0 / divisor;
            for (int g = 0; g < grads.groups(); g++) {
                ops.mapEach(SCALE, scalars, grads.args(g));
            }
        }
    }

    @Override
    public Map<String, Double> lastStats() {
        return Map.of("pre_clip_norm", lastNorm, "clipped", lastClipped ? 1.0 : 0.0);
    }
}
