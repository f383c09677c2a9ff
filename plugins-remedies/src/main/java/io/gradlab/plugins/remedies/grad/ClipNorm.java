package io.gradlab.plugins.remedies.grad;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.train.GradientTransform;
import java.util.List;
import java.util.Map;

/**
 * Clipping by the global norm: with {@code ||g||} the L2 norm over the gradients of all trainable
 * parameters together, every gradient becomes {@code g / max(1, ||g|| / maxNorm)} (the direction is
 * kept; only a norm above {@code maxNorm} is scaled down to it). Reports {@code pre_clip_norm} and
 * {@code clipped} (1 or 0) of the last application.
 */
final class ClipNorm implements GradientTransform {
    private final double maxNorm;
    private double lastNorm = Double.NaN;
    private boolean lastClipped;

    ClipNorm(double maxNorm) {
        this.maxNorm = maxNorm;
    }

    @Override
    public void apply(List<Parameter> parameters, Ops ops) {
        double sum = 0;
        for (Parameter p : parameters) {
            if (p.trainable()) {
                sum += ops.sumOfSquares(p.grad());
            }
        }
        double norm = Math.sqrt(sum);
        double divisor = Math.max(1.0, norm / maxNorm);
        lastNorm = norm;
        lastClipped = divisor > 1.0;
        if (lastClipped) {
            for (Parameter p : parameters) {
                if (p.trainable()) {
                    ops.scale(1.0 / divisor, p.grad());
                }
            }
        }
    }

    @Override
    public Map<String, Double> lastStats() {
        return Map.of("pre_clip_norm", lastNorm, "clipped", lastClipped ? 1.0 : 0.0);
    }
}
