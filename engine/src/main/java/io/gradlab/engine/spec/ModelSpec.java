package io.gradlab.engine.spec;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentSpec;

/**
 * The {@code model} section.
 *
 * @param architecture the architecture component (kind {@code architecture}), e.g. {@code {id: mlp, hidden: [128, 128]}}
 * @param loss         the loss component (kind {@code loss}); {@link #DEFAULT_LOSS} when the spec names none
 */
public record ModelSpec(ComponentSpec architecture, ComponentSpec loss) {
    /** The loss used when the spec names none. */
    public static final String DEFAULT_LOSS = "softmax-cross-entropy";

    public ModelSpec {
        requireNonNull(architecture, "architecture is null");
        requireNonNull(loss, "loss is null");
    }
}
