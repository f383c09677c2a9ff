package io.gradlab.plugins.remedies.grad;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.train.GradientTransform;
import java.util.List;
import java.util.Map;

/**
 * Clipping by value: every gradient element of a trainable parameter is clamped to {@code [-value, value]}
 * (a NaN stays NaN); reports {@code clipped_fraction}, the share of elements outside. Two passes over
 * all gradients at once: the count, then the clamp.
 */
final class ClipValue implements GradientTransform {
    private static final Expr OUTSIDE = Expr.arg(0).abs().gt(Expr.scalar(0));
    private static final Elementwise CLAMP = Elementwise.assign(0, Expr.arg(0).min(Expr.scalar(0)).max(Expr.scalar(1)));

    private final TrainableGradients grads = new TrainableGradients();
    /** {@code value, -value}. */
    private final double[] scalars;
    private double lastFraction = Double.NaN;

    ClipValue(double value) {
        this.scalars = new double[] {value, -value};
    }

    @Override
    public void apply(List<Parameter> parameters, Ops ops) {
        grads.update(parameters);
        double clipped = 0;
        long total = 0;
        for (int g = 0; g < grads.groups(); g++) {
            double[] counts = grads.sums(g);
            ops.sumEach(OUTSIDE, counts, scalars, grads.args(g));
            for (double c : counts) {
                clipped += c;
            }
            total += grads.args(g)[0].total();
            if (anyAbove(counts)) {
                ops.mapEach(CLAMP, scalars, grads.args(g));
            }
        }
        lastFraction = total == 0 ? 0.0 : clipped / total;
    }

    private static boolean anyAbove(double[] counts) {
        for (double c : counts) {
            if (c > 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Map<String, Double> lastStats() {
        return Map.of("clipped_fraction", lastFraction);
    }
}
