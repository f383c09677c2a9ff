package io.gradlab.plugins.remedies.grad;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.GradientTransform;
import java.util.List;
import java.util.Map;

/** Clipping by value: every gradient element of a trainable parameter is clamped to {@code [-value, value]}; reports {@code clipped_fraction}. */
final class ClipValue implements GradientTransform {
    private final double value;
    private double lastFraction = Double.NaN;

    ClipValue(double value) {
        this.value = value;
    }

    @Override
    public void apply(List<Parameter> parameters, Ops ops) {
        long clipped = 0;
        long total = 0;
        for (Parameter p : parameters) {
            if (!p.trainable()) {
                continue;
            }
            Tensor g = p.grad();
            int n = g.size();
            total += n;
            for (int i = 0; i < n; i++) {
                double v = g.get(i);
                if (v > value) {
                    g.set(i, value);
                    clipped++;
                } else if (v < -value) {
                    g.set(i, -value);
                    clipped++;
                }
            }
        }
        lastFraction = total == 0 ? 0.0 : (double) clipped / total;
    }

    @Override
    public Map<String, Double> lastStats() {
        return Map.of("clipped_fraction", lastFraction);
    }
}
