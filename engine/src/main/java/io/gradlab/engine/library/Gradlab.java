package io.gradlab.engine.library;

import static java.util.Objects.requireNonNull;

import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.RunResult;
import io.gradlab.engine.train.TrainingListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The entry point of gradlab in a Java program: the components found on the class path (the engine's
 * and every plugin jar there) and, optionally, in a plugins folder, as {@code gradlab plugins} lists them.
 *
 * <pre>{@code
 * Gradlab gradlab = Gradlab.create();
 * Training training = gradlab.prepare(Experiment.named("demo")
 *         .data("fashion-mnist", "subset", "embedded")
 *         .architecture("mlp", "hidden", List.of(64), "activation", "relu")
 *         .optimizer("sgd", "lr", 0.1)
 *         .epochs(2).batchSize(64));
 * training.addHook("hidden1", hook);
 * RunResult result = training.run();
 * }</pre>
 */
public final class Gradlab {
    private final ComponentRegistry registry;
    private final ExperimentRunner runner;

    private Gradlab(ComponentRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
        this.runner = ExperimentRunner.withDefaultKernels(registry);
    }

    /** The components on the class path; a broken plugin is logged and left out. */
    public static Gradlab create() {
        return new Gradlab(new PluginHost(new PluginHostConfig(null, false)).load());
    }

    /** The components on the class path and in the plugin jars of {@code pluginsDir}. */
    public static Gradlab withPlugins(Path pluginsDir) {
        return new Gradlab(new PluginHost(new PluginHostConfig(requireNonNull(pluginsDir, "pluginsDir is null"), false)).load());
    }

    /** Every component, by kind and id: what specs and {@link Experiment}s can name. */
    public ComponentRegistry components() {
        return registry;
    }

    /** The runner behind {@link Training}: for resuming ({@link ExperimentRunner#resume}) and restoring run folders. */
    public ExperimentRunner runner() {
        return runner;
    }

    /** Reads a spec file with {@code --set}-style overrides ({@code "training.epochs=3"}). */
    public ExperimentSpec load(Path specFile, String... overrides) {
        return SpecLoader.load(specFile, List.of(overrides));
    }

    /** Validates {@code experiment}, loads its data and builds its model, ready for hooks and training. */
    public Training prepare(Experiment experiment) {
        return prepare(requireNonNull(experiment, "experiment is null").spec());
    }

    /** Validates {@code spec}, loads its data and builds its model, ready for hooks and training. */
    public Training prepare(ExperimentSpec spec) {
        return prepare(spec, Optional.empty());
    }

    /** {@link #prepare(ExperimentSpec)} with a data folder ({@code --data}). */
    public Training prepare(ExperimentSpec spec, Optional<Path> dataDir) {
        ExperimentSpec resolved = runner.resolve(requireNonNull(spec, "spec is null"));
        RunOptions options = new RunOptions(Path.of("runs"), requireNonNull(dataDir, "dataDir is null"), false);
        return new Training(runner, resolved, runner.prepare(resolved, options), dataDir);
    }

    /** Trains {@code spec} as {@code gradlab run} does, writing its run folder under {@code outDir}. */
    public RunResult run(ExperimentSpec spec, Path outDir, TrainingListener listener) {
        return runner.run(spec, RunOptions.writingTo(outDir), listener);
    }
}
