package io.gradlab.plugins.remedies.symmetry;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.data.DataSplits;
import io.gradlab.api.nn.Loss;
import java.util.List;

/** The pieces of the symmetry examples: the {@code synthetic} dataset and the logistic loss {@code bce-with-logits}. */
public final class SymmetryFactories {
    private SymmetryFactories() {}

    public static List<ComponentFactory<DataSplits>> datasets() {
        return List.of(SyntheticData.factory());
    }

    public static List<ComponentFactory<Loss>> losses() {
        return List.of(ComponentFactory.of(ComponentKind.LOSS, "bce-with-logits",
                "binary cross-entropy on logits (logistic regression's loss): one output per target, 0/1 targets",
                List.of(), p -> new BceWithLogits()));
    }
}
