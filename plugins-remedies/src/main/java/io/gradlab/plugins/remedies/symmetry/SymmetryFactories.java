package io.gradlab.plugins.remedies.symmetry;

import io.gradlab.api.spi.DatasetFactory;
import io.gradlab.api.spi.LossFactory;
import java.util.List;

/** The pieces of the symmetry examples: the {@code synthetic} dataset and the logistic loss {@code bce-with-logits}. */
public final class SymmetryFactories {
    private SymmetryFactories() {}

    public static List<DatasetFactory> datasets() {
        return List.of(SyntheticData.factory());
    }

    public static List<LossFactory> losses() {
        return List.of(LossFactory.of("bce-with-logits",
                "binary cross-entropy on logits (logistic regression's loss): one output per target, 0/1 targets",
                List.of(), p -> new BceWithLogits()));
    }
}
