package io.gradlab.plugins.remedies.pretrain;

import static io.gradlab.api.ParameterSpec.choice;
import static io.gradlab.api.ParameterSpec.component;
import static io.gradlab.api.ParameterSpec.integer;
import static io.gradlab.api.ParameterSpec.real;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.train.TrainingStrategy;
import java.util.List;

/** The {@code pretrain} training strategy ({@link PretrainStrategy}). */
public final class PretrainFactory {
    private PretrainFactory() {}

    public static ComponentFactory<TrainingStrategy> factory() {
        return ComponentFactory.of(ComponentKind.TRAINING_STRATEGY, "pretrain",
                "greedy layer-wise unsupervised pretraining: each hidden layer trained as a (denoising) autoencoder on the codes of"
                        + " the layers below, then supervised fine-tuning of the whole stack; replaces the spec's architecture",
                List.of(integer("layers", 7, "hidden layers").range(1, 10_000),
                        integer("width", 128, "units per hidden layer").range(1, 1_000_000),
                        component("activation", ComponentKind.ACTIVATION, "sigmoid", "activation after each hidden layer"),
                        component("init", ComponentKind.INITIALIZER, "pytorch-default", "weight initializer of every dense layer"),
                        integer("pretrain-epochs", 1, "passes over the training inputs per hidden layer; they count against the run's epochs")
                                .range(1, 1_000_000),
                        real("pretrain-lr", 0.1, "learning rate of the autoencoders' plain SGD").range(1e-12, 1e6),
                        choice("decoder", "tied", List.of("tied", "untied"), "tied: the decoder's weights are the encoder's transposed;"
                                + " untied: a decoder weight of its own"),
                        choice("reconstruction", "cross-entropy", List.of("cross-entropy", "mse"),
                                "the reconstruction loss of the sigmoid decoder (targets in [0, 1])"),
                        real("corruption", 0.0, "probability of zeroing each input element of an autoencoder (denoising); 0: none")
                                .range(0, 0.99)),
                p -> new PretrainStrategy(p.getInt("layers"), p.getInt("width"), p.getComponent("activation"), p.getComponent("init"),
                        p.getInt("pretrain-epochs"), p.getDouble("pretrain-lr"), p.getString("decoder").equals("tied"),
                        p.getString("reconstruction").equals("cross-entropy"), p.getDouble("corruption")));
    }
}
