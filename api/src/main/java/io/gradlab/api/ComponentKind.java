package io.gradlab.api;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.data.DataSplits;
import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.train.GradientTransform;
import io.gradlab.api.train.LearningRateSchedule;
import io.gradlab.api.train.Optimizer;
import io.gradlab.api.train.TrainingCallback;
import io.gradlab.api.train.TrainingStrategy;
import java.util.List;
import java.util.Locale;

/**
 * A kind of pluggable component, typed by what its factories make: a {@code ComponentFactory<Activation>}
 * answers {@code kind()} with {@link #ACTIVATION}, a {@code ComponentKind<Activation>}. The host learns
 * a factory's kind and product type from this key without creating anything. The kinds are the
 * constants below, compared by identity.
 *
 * @param <T> what the factories of this kind create
 */
public final class ComponentKind<T> {
    public static final ComponentKind<Activation> ACTIVATION = new ComponentKind<>("ACTIVATION", Activation.class);
    public static final ComponentKind<Initializer> INITIALIZER = new ComponentKind<>("INITIALIZER", Initializer.class);
    /** A normalization layer (batch norm, layer norm, ...), placed by architectures between a dense layer and its activation. */
    public static final ComponentKind<Layer> NORMALIZER = new ComponentKind<>("NORMALIZER", Layer.class);
    public static final ComponentKind<Optimizer> OPTIMIZER = new ComponentKind<>("OPTIMIZER", Optimizer.class);
    /** A whole network (unbuilt), assembled with {@link ComponentFactory.CreateContext#modelBuilder()}. */
    public static final ComponentKind<Layer> ARCHITECTURE = new ComponentKind<>("ARCHITECTURE", Layer.class);
    public static final ComponentKind<Diagnostic> DIAGNOSTIC = new ComponentKind<>("DIAGNOSTIC", Diagnostic.class);
    /** A layer (unbuilt), named {@link ComponentFactory.CreateContext#name()}. */
    public static final ComponentKind<Layer> LAYER = new ComponentKind<>("LAYER", Layer.class);
    public static final ComponentKind<Loss> LOSS = new ComponentKind<>("LOSS", Loss.class);
    public static final ComponentKind<GradientTransform> GRADIENT_TRANSFORM =
            new ComponentKind<>("GRADIENT_TRANSFORM", GradientTransform.class);
    /** A data source, read or generated with {@link ComponentFactory.CreateContext#data()}. */
    public static final ComponentKind<DataSplits> DATASET = new ComponentKind<>("DATASET", DataSplits.class);
    public static final ComponentKind<TrainingStrategy> TRAINING_STRATEGY =
            new ComponentKind<>("TRAINING_STRATEGY", TrainingStrategy.class);
    /** A learning-rate schedule: the factor of the optimizer's rate at each step (step, cosine, linear warm-up). */
    public static final ComponentKind<LearningRateSchedule> LR_SCHEDULE = new ComponentKind<>("LR_SCHEDULE", LearningRateSchedule.class);
    /** Runs after every epoch: early stopping, keeping the best model. */
    public static final ComponentKind<TrainingCallback> CALLBACK = new ComponentKind<>("CALLBACK", TrainingCallback.class);

    private static final List<ComponentKind<?>> VALUES = List.of(ACTIVATION, INITIALIZER, NORMALIZER, OPTIMIZER, ARCHITECTURE,
            DIAGNOSTIC, LAYER, LOSS, GRADIENT_TRANSFORM, DATASET, TRAINING_STRATEGY, LR_SCHEDULE, CALLBACK);

    private final String name;
    private final Class<T> type;

    private ComponentKind(String name, Class<T> type) {
        this.name = requireNonNull(name, "name is null");
        this.type = requireNonNull(type, "type is null");
    }

    /** Every kind, in the order listings show them. */
    public static List<ComponentKind<?>> values() {
        return VALUES;
    }

    /** The constant's name: {@code GRADIENT_TRANSFORM}. */
    public String name() {
        return name;
    }

    /** What the factories of this kind create. */
    public Class<T> type() {
        return type;
    }

    /** The spelling used in specs and on the command line: {@code gradient-transform}. */
    public String label() {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The plural label for headings and messages: {@code activations}, {@code losses}, {@code training-strategies}. */
    public String plural() {
        String label = label();
        if (label.endsWith("s")) {
            return label + "es";
        }
        if (label.endsWith("y")) {
            return label.substring(0, label.length() - 1) + "ies";
        }
        return label + "s";
    }

    /** Parses a label such as {@code gradient-transform} (case-insensitive, '-' or '_', singular or plural). */
    public static ComponentKind<?> fromLabel(String label) {
        String normalized = label.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (ComponentKind<?> kind : VALUES) {
            if (kind.label().equals(normalized) || kind.plural().equals(normalized) || (kind.label() + "s").equals(normalized)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown component kind '" + label + "'");
    }

    @Override
    public String toString() {
        return name;
    }
}
