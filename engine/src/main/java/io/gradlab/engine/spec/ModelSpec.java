package io.gradlab.engine.spec;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentSpec;

/**
 * The {@code model} section.
 *
 * @param architecture the architecture component (kind {@code architecture}), e.g. {@code {id: mlp, hidden: [128, 128]}}
 * @param loss         the loss component (kind {@code loss}); {@link #DEFAULT_LOSS} when the spec names none
 * @param weights      a safetensors file of initial weights (relative to the spec's folder), or {@code null} for none
 */
public record ModelSpec(ComponentSpec architecture, ComponentSpec loss, String weights) {
    /** The loss used when the spec names none. */
    public static final String DEFAULT_LOSS = "softmax-cross-entropy";

    public ModelSpec {
        requireNonNull(architecture, "architecture is null");
        requireNonNull(loss, "loss is null");
        if (weights != null && weights.isBlank()) {
            throw new io.gradlab.api.GradlabException(io.gradlab.api.GradlabException.Category.SPEC,
                    "model.weights: expected the path of a .safetensors file, got an empty text");
        }
    }

    /** A model without initial weights. */
    public ModelSpec(ComponentSpec architecture, ComponentSpec loss) {
        this(architecture, loss, null);
    }
}
