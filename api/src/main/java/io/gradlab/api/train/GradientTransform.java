package io.gradlab.api.train;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Ops;
import java.util.List;
import java.util.Map;

/**
 * Rewrites parameter gradients in place before the optimizer step (clipping, normalisation).
 * Transforms are chained in the order the spec lists them, in the manner of Optax.
 */
public interface GradientTransform {
    void apply(List<Parameter> parameters, Ops ops);

    /** Figures of the last application for the metrics, e.g. {@code pre_clip_norm}; none by default. */
    default Map<String, Double> lastStats() {
        return Map.of();
    }
}
