package io.gradlab.plugins.remedies.layerwise;

import static io.gradlab.api.ParameterSpec.choice;
import static io.gradlab.api.ParameterSpec.component;
import static io.gradlab.api.ParameterSpec.intList;
import static io.gradlab.api.ParameterSpec.integer;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.train.TrainingStrategy;
import java.util.List;
import java.util.Locale;

/** The {@code layerwise} training strategy ({@link LayerwiseStrategy}). */
public final class LayerwiseFactory {
    private LayerwiseFactory() {}

    public static ComponentFactory<TrainingStrategy> factory() {
        return ComponentFactory.of(ComponentKind.TRAINING_STRATEGY, "layerwise",
                "layer-wise training: grow the network one block of hidden layers per stage, each stage with a fresh output head;"
                        + " replaces the spec's architecture (width, activation and init are this strategy's parameters)",
                List.of(intList("blocks", List.of(2, 2, 2, 1), "hidden layers added per stage").range(1, 10_000),
                        integer("epochs-per-stage", 1, "epochs of each stage (default: the run's epochs shared out over the stages)")
                                .range(1, 1_000_000).optionalParam(),
                        choice("freeze", "alternate", List.of("alternate", "always", "never", "course"),
                                "alternate: earlier blocks frozen for the first half of each stage, then trained too;"
                                        + " always: earlier blocks stay frozen; never: everything trains;"
                                        + " course: each block's stage (earlier blocks frozen) is followed by a stage with all unfrozen"
                                        + " (2 x blocks - 1 stages, each with a fresh head)"),
                        integer("width", 128, "units per hidden layer").range(1, 1_000_000),
                        component("activation", ComponentKind.ACTIVATION, "sigmoid", "activation after each hidden layer"),
                        component("init", ComponentKind.INITIALIZER, "pytorch-default", "weight initializer of every dense layer")),
                p -> new LayerwiseStrategy(p.getIntList("blocks"), p.has("epochs-per-stage") ? p.getInt("epochs-per-stage") : null,
                        LayerwiseStrategy.Freeze.valueOf(p.getString("freeze").toUpperCase(Locale.ROOT)), p.getInt("width"),
                        p.getComponent("activation"), p.getComponent("init")));
    }
}
