package io.gradlab.plugins.remedies.grad;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.train.GradientTransform;
import java.util.List;

/**
 * Per-parameter gradient renormalisation: the gradient of each trainable parameter is rescaled to
 * the L2 norm {@code norm} (1 by default), so that every layer moves by a step of the same size
 * whatever the gradient that reached it; an all-zero gradient stays zero.
 */
final class LayerRenorm implements GradientTransform {
    private final double norm;

    LayerRenorm(double norm) {
        this.norm = norm;
    }

    @Override
    public void apply(List<Parameter> parameters, Ops ops) {
        for (Parameter p : parameters) {
            if (!p.trainable()) {
                continue;
            }
            double n = ops.norm2(p.grad());
            if (n > 0) {
                ops.scale(norm / n, p.grad());
            }
        }
    }
}
