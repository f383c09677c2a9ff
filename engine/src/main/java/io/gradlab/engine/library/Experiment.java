package io.gradlab.engine.library;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.tensor.DType;
import io.gradlab.engine.spec.DataSpec;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.ModelSpec;
import io.gradlab.engine.spec.TrainingSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment written in Java, with the same components and parameters as a spec file: each
 * component is an id and its parameters as name-value pairs, {@code .optimizer("sgd", "lr", 0.1,
 * "momentum", 0.9)} for {@code optimizer: {id: sgd, lr: 0.1, momentum: 0.9}}. Nothing is checked
 * until {@link Gradlab#prepare}, which validates it exactly as {@code gradlab run} validates a file.
 */
public final class Experiment {
    private final String name;
    private String description = "";
    private ComponentSpec data;
    private int validation;
    private ComponentSpec architecture;
    private ComponentSpec loss = ComponentSpec.of(ModelSpec.DEFAULT_LOSS);
    private String weights;
    private ComponentSpec optimizer = ComponentSpec.of(TrainingSpec.DEFAULT_OPTIMIZER);
    private final List<ComponentSpec> gradientTransforms = new ArrayList<>();
    private ComponentSpec strategy = ComponentSpec.of(TrainingSpec.DEFAULT_STRATEGY);
    private final List<ComponentSpec> lrSchedule = new ArrayList<>();
    private final List<ComponentSpec> callbacks = new ArrayList<>();
    private final List<ComponentSpec> diagnostics = new ArrayList<>();
    private int epochs = 1;
    private int batchSize = 64;
    private long seed = TrainingSpec.DEFAULT_SEED;
    private DType dtype = TrainingSpec.DEFAULT_DTYPE;
    private int threads;
    private boolean checkpoint = true;
    private Path baseDir = Path.of(".");

    private Experiment(String name) {
        this.name = requireNonNull(name, "name is null");
    }

    /** A new experiment; {@code name} names its run folders. */
    public static Experiment named(String name) {
        return new Experiment(name);
    }

    /** A component: {@code component("sgd", "lr", 0.1)} is {@code {id: sgd, lr: 0.1}}. */
    public static ComponentSpec component(String id, Object... params) {
        requireNonNull(id, "id is null");
        if (params.length % 2 != 0) {
            throw new IllegalArgumentException("component '" + id + "': parameters come in name-value pairs, got " + params.length + " values");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            if (!(params[i] instanceof String key)) {
                throw new IllegalArgumentException("component '" + id + "': parameter " + (i / 2 + 1) + " has no name (got " + params[i] + ")");
            }
            map.put(key, requireNonNull(params[i + 1], "component '" + id + "': parameter '" + key + "' is null"));
        }
        return ComponentSpec.of(id, map);
    }

    public Experiment description(String text) {
        this.description = requireNonNull(text, "text is null");
        return this;
    }

    public Experiment data(String id, Object... params) {
        this.data = component(id, params);
        return this;
    }

    /** Holds {@code samples} training samples out for validation ({@code data.validation}). */
    public Experiment validation(int samples) {
        this.validation = samples;
        return this;
    }

    public Experiment architecture(String id, Object... params) {
        this.architecture = component(id, params);
        return this;
    }

    public Experiment loss(String id, Object... params) {
        this.loss = component(id, params);
        return this;
    }

    /** Initial weights from a safetensors file ({@code model.weights}). */
    public Experiment weights(Path file) {
        this.weights = file.toString();
        return this;
    }

    public Experiment optimizer(String id, Object... params) {
        this.optimizer = component(id, params);
        return this;
    }

    /** Adds a gradient transform; they apply in the order added. */
    public Experiment gradientTransform(String id, Object... params) {
        gradientTransforms.add(component(id, params));
        return this;
    }

    public Experiment strategy(String id, Object... params) {
        this.strategy = component(id, params);
        return this;
    }

    /** Adds a learning-rate schedule; the factors of all multiply. */
    public Experiment lrSchedule(String id, Object... params) {
        lrSchedule.add(component(id, params));
        return this;
    }

    /** Adds a callback (early stopping, keeping the best weights). */
    public Experiment callback(String id, Object... params) {
        callbacks.add(component(id, params));
        return this;
    }

    /** Adds a diagnostic besides the defaults. */
    public Experiment diagnostic(String id, Object... params) {
        diagnostics.add(component(id, params));
        return this;
    }

    public Experiment epochs(int epochs) {
        this.epochs = epochs;
        return this;
    }

    public Experiment batchSize(int batchSize) {
        this.batchSize = batchSize;
        return this;
    }

    public Experiment seed(long seed) {
        this.seed = seed;
        return this;
    }

    public Experiment dtype(DType dtype) {
        this.dtype = requireNonNull(dtype, "dtype is null");
        return this;
    }

    /** Worker threads; 0 (the default) for automatic. */
    public Experiment threads(int threads) {
        this.threads = threads;
        return this;
    }

    /** Whether a run folder gets a checkpoint after every epoch (the default). */
    public Experiment checkpoint(boolean on) {
        this.checkpoint = on;
        return this;
    }

    /** The folder relative paths (data files, weights) resolve against; the working directory by default. */
    public Experiment baseDir(Path dir) {
        this.baseDir = requireNonNull(dir, "dir is null");
        return this;
    }

    /**
     * The experiment as a spec, what {@code spec.resolved.yaml} will hold before defaults are filled in.
     *
     * @throws GradlabException when the data source or the architecture is missing, or a number is out of range
     */
    public ExperimentSpec spec() {
        if (data == null || architecture == null) {
            throw new GradlabException(GradlabException.Category.SPEC, "experiment '" + name
                    + "' needs " + (data == null ? "a data source: .data(\"fashion-mnist\", \"subset\", \"embedded\")"
                            : "an architecture: .architecture(\"mlp\", \"hidden\", List.of(64))"));
        }
        return new ExperimentSpec(name, description, new DataSpec(data, validation), new ModelSpec(architecture, loss, weights),
                new TrainingSpec(epochs, batchSize, optimizer, gradientTransforms, strategy, seed, dtype, threads, checkpoint, null,
                        lrSchedule, callbacks),
                diagnostics, baseDir);
    }
}
