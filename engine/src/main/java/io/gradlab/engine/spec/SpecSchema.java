package io.gradlab.engine.spec;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentKind;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fixed shape of a spec: which sections and keys exist at each fixed level, and where a
 * component (open-ended parameters) or a list of components sits. Used by the binder for "valid
 * keys" messages and by {@code --set} overrides to walk the tree before binding.
 */
final class SpecSchema {
    static final String NAME = "name";
    static final String DESCRIPTION = "description";
    static final String DATA = "data";
    static final String SOURCE = "source";
    static final String VALIDATION = "validation";
    static final String MODEL = "model";
    static final String ARCHITECTURE = "architecture";
    static final String LOSS = "loss";
    static final String WEIGHTS = "weights";
    static final String TRAINING = "training";
    static final String EPOCHS = "epochs";
    static final String BATCH_SIZE = "batch-size";
    static final String OPTIMIZER = "optimizer";
    static final String GRADIENT_TRANSFORMS = "gradient-transforms";
    static final String STRATEGY = "strategy";
    static final String SEED = "seed";
    static final String DTYPE = "dtype";
    static final String THREADS = "threads";
    static final String CHECKPOINT = "checkpoint";
    static final String TENSORBOARD = "tensorboard";
    static final String LR_SCHEDULE = "lr-schedule";
    static final String CALLBACKS = "callbacks";
    static final String STEP_TIMEOUT = "step-timeout";
    static final String DIAGNOSTICS = "diagnostics";

    /** A place in the spec tree. */
    sealed interface Slot permits Section, Value, Component, ComponentList {}

    /** A mapping with a fixed set of keys; {@code hint} says what it holds, for "missing section" messages. */
    record Section(String hint, Map<String, Slot> children) implements Slot {
        Section {
            requireNonNull(hint, "hint is null");
            children = Collections.unmodifiableMap(new LinkedHashMap<>(children));
        }
    }

    /** A single value (text, number, boolean); {@code expected} describes it for messages. */
    record Value(String expected) implements Slot {
        Value {
            requireNonNull(expected, "expected is null");
        }
    }

    /** One component; {@code defaultId} is {@code null} when the spec must name it. */
    record Component(ComponentKind<?> kind, String defaultId) implements Slot {
        Component {
            requireNonNull(kind, "kind is null");
        }
    }

    /** A list of components of one kind. */
    record ComponentList(ComponentKind<?> kind) implements Slot {
        ComponentList {
            requireNonNull(kind, "kind is null");
        }
    }

    static final Section DATA_SECTION = new Section("the data source, e.g. data: {source: fashion-mnist}", ordered(
            SOURCE, new Component(ComponentKind.DATASET, null),
            VALIDATION, new Value("a whole number >= 0")));

    static final Section MODEL_SECTION = new Section("the architecture, e.g. model: {architecture: {id: mlp, hidden: [128, 128]}}", ordered(
            ARCHITECTURE, new Component(ComponentKind.ARCHITECTURE, null),
            LOSS, new Component(ComponentKind.LOSS, ModelSpec.DEFAULT_LOSS),
            WEIGHTS, new Value("the path of a .safetensors file of initial weights")));

    static final Section TRAINING_SECTION = new Section("epochs and batch-size, e.g. training: {epochs: 10, batch-size: 128}", ordered(
            EPOCHS, new Value("a whole number >= 1"),
            BATCH_SIZE, new Value("a whole number >= 1"),
            OPTIMIZER, new Component(ComponentKind.OPTIMIZER, TrainingSpec.DEFAULT_OPTIMIZER),
            GRADIENT_TRANSFORMS, new ComponentList(ComponentKind.GRADIENT_TRANSFORM),
            STRATEGY, new Component(ComponentKind.TRAINING_STRATEGY, TrainingSpec.DEFAULT_STRATEGY),
            SEED, new Value("a whole number"),
            DTYPE, new Value("f32 or f64"),
            THREADS, new Value("a whole number from 0 (automatic) to " + TrainingSpec.MAX_THREADS),
            CHECKPOINT, new Value("true or false"),
            TENSORBOARD, new Value("a folder to write TensorBoard event files into while training"),
            LR_SCHEDULE, new ComponentList(ComponentKind.LR_SCHEDULE),
            CALLBACKS, new ComponentList(ComponentKind.CALLBACK),
            STEP_TIMEOUT, new Value("seconds a training step may take before the run is stopped (default 600)")));

    static final Section ROOT = new Section("name, data, model and training", ordered(
            NAME, new Value(ExperimentSpec.NAME_RULE),
            DESCRIPTION, new Value("text"),
            DATA, DATA_SECTION,
            MODEL, MODEL_SECTION,
            TRAINING, TRAINING_SECTION,
            DIAGNOSTICS, new ComponentList(ComponentKind.DIAGNOSTIC)));

    private SpecSchema() {}

    private static Map<String, Slot> ordered(Object... keysAndSlots) {
        Map<String, Slot> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndSlots.length; i += 2) {
            map.put((String) keysAndSlots[i], (Slot) keysAndSlots[i + 1]);
        }
        return map;
    }
}
