package io.gradlab.engine.registry;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentId;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabPlugin;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.spi.ActivationFactory;
import io.gradlab.api.spi.ArchitectureFactory;
import io.gradlab.api.spi.DatasetFactory;
import io.gradlab.api.spi.DiagnosticFactory;
import io.gradlab.api.spi.GradientTransformFactory;
import io.gradlab.api.spi.InitializerFactory;
import io.gradlab.api.spi.LayerFactory;
import io.gradlab.api.spi.LossFactory;
import io.gradlab.api.spi.NormalizerFactory;
import io.gradlab.api.spi.OptimizerFactory;
import io.gradlab.api.spi.TrainingStrategyFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Pulls the factories out of one loaded plugin: checks its API version, then asks each of its
 * contribution methods and each factory's metadata inside a try/catch, so a plugin that throws (or
 * returns nonsense) costs only what it broke.
 */
final class FactoryCollector {
    /** One contribution method of {@link GradlabPlugin}. */
    private record Contribution(
            ComponentKind kind, Class<? extends ComponentFactory> type, String method,
            Function<GradlabPlugin, List<? extends ComponentFactory>> getter) {}

    private static final List<Contribution> CONTRIBUTIONS = List.of(
            new Contribution(ComponentKind.ACTIVATION, ActivationFactory.class, "activations", GradlabPlugin::activations),
            new Contribution(ComponentKind.INITIALIZER, InitializerFactory.class, "initializers", GradlabPlugin::initializers),
            new Contribution(ComponentKind.NORMALIZER, NormalizerFactory.class, "normalizers", GradlabPlugin::normalizers),
            new Contribution(ComponentKind.OPTIMIZER, OptimizerFactory.class, "optimizers", GradlabPlugin::optimizers),
            new Contribution(ComponentKind.ARCHITECTURE, ArchitectureFactory.class, "architectures", GradlabPlugin::architectures),
            new Contribution(ComponentKind.DIAGNOSTIC, DiagnosticFactory.class, "diagnostics", GradlabPlugin::diagnostics),
            new Contribution(ComponentKind.LAYER, LayerFactory.class, "layers", GradlabPlugin::layers),
            new Contribution(ComponentKind.LOSS, LossFactory.class, "losses", GradlabPlugin::losses),
            new Contribution(ComponentKind.GRADIENT_TRANSFORM, GradientTransformFactory.class, "gradientTransforms",
                    GradlabPlugin::gradientTransforms),
            new Contribution(ComponentKind.DATASET, DatasetFactory.class, "datasets", GradlabPlugin::datasets),
            new Contribution(ComponentKind.TRAINING_STRATEGY, TrainingStrategyFactory.class, "trainingStrategies",
                    GradlabPlugin::trainingStrategies));

    private FactoryCollector() {}

    /** The healthy components of {@code discovered}; everything else becomes a problem. */
    static List<RegisteredComponent> collect(ProviderDiscovery.Discovered discovered, Origin origin, Problems problems) {
        GradlabPlugin plugin = discovered.plugin();
        PluginSource source = discovered.source();
        String fix = "fix the plugin, or " + origin.removal();
        String declared;
        try {
            declared = plugin.apiVersion();
        } catch (Throwable t) {
            Failures.rethrowIfFatal(t);
            problems.critical(source, source.describeWithClass() + ": apiVersion() threw " + Failures.describe(t) + "; " + fix);
            return List.of();
        }
        String what = "plugin " + source.pluginClass() + " in " + source.describe();
        var incompatible = ApiCompatibility.incompatibility(what, declared, origin.removal());
        if (incompatible.isPresent()) {
            problems.critical(source, incompatible.get());
            return List.of();
        }
        List<RegisteredComponent> components = new ArrayList<>();
        for (Contribution contribution : CONTRIBUTIONS) {
            List<? extends ComponentFactory> factories;
            try {
                factories = contribution.getter().apply(plugin);
            } catch (Throwable t) {
                Failures.rethrowIfFatal(t);
                problems.critical(source, source.describeWithClass() + ": " + contribution.method() + "() threw "
                        + Failures.describe(t) + ", so none of its " + contribution.method() + " are available; " + fix);
                continue;
            }
            if (factories == null) {
                problems.critical(source, source.describeWithClass() + ": " + contribution.method()
                        + "() returned null instead of a list; " + fix);
                continue;
            }
            for (Object factory : factories) {
                String error = check(factory, contribution);
                if (error == null) {
                    components.add(new RegisteredComponent((ComponentFactory) factory, source));
                } else {
                    problems.critical(source, source.describeWithClass() + ": " + error + "; " + fix);
                }
            }
        }
        return components;
    }

    /** Why {@code factory} cannot be registered, or {@code null} when it is healthy. */
    private static String check(Object factory, Contribution contribution) {
        String from = contribution.method() + "()";
        if (factory == null) {
            return from + " returned a null factory";
        }
        if (!contribution.type().isInstance(factory)) {
            return from + " returned a " + factory.getClass().getName() + ", which is not a " + contribution.type().getSimpleName();
        }
        ComponentFactory f = (ComponentFactory) factory;
        String name = contribution.kind().label() + " factory " + f.getClass().getName();
        String step = "id()";
        try {
            ComponentId id = f.id();
            if (id == null) {
                return name + " returned a null id()";
            }
            name = contribution.kind().label() + " '" + id + "'";
            step = "kind()";
            ComponentKind kind = f.kind();
            if (kind != contribution.kind()) {
                return name + " says its kind() is " + kind + " but came from " + from;
            }
            step = "description()";
            if (f.description() == null) {
                return name + " returned a null description()";
            }
            step = "version()";
            f.version();
            step = "parameters()";
            return checkParameters(name, f.parameters());
        } catch (Throwable t) {
            Failures.rethrowIfFatal(t);
            return name + " cannot be registered: its " + step + " threw " + Failures.describe(t);
        }
    }

    private static String checkParameters(String name, List<ParameterSpec> parameters) {
        if (parameters == null) {
            return name + " returned null parameters()";
        }
        Set<String> names = new HashSet<>();
        for (ParameterSpec p : parameters) {
            if (p == null) {
                return name + " declares a null parameter";
            }
            if (!names.add(p.name())) {
                return name + " declares the parameter '" + p.name() + "' twice";
            }
        }
        return null;
    }
}
