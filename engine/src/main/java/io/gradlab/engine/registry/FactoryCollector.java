package io.gradlab.engine.registry;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentId;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabPlugin;
import io.gradlab.api.ParameterSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Pulls the factories out of one loaded plugin: checks its API version, then asks for its
 * {@link GradlabPlugin#components()} and each factory's metadata inside a try/catch, so a plugin that
 * throws (or returns nonsense) costs only what it broke.
 */
final class FactoryCollector {
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
        List<? extends ComponentFactory<?>> factories;
        try {
            factories = plugin.components();
        } catch (Throwable t) {
            Failures.rethrowIfFatal(t);
            problems.critical(source, ApiCompatibility.linkageIncompatibility(what, t, origin.removal())
                    .orElse(source.describeWithClass() + ": components() threw " + Failures.describe(t)
                            + ", so none of its components are available; " + fix));
            return List.of();
        }
        if (factories == null) {
            problems.critical(source, source.describeWithClass() + ": components() returned null instead of a list; " + fix);
            return List.of();
        }
        List<RegisteredComponent> components = new ArrayList<>();
        for (Object factory : factories) {
            String error = check(factory);
            if (error == null) {
                components.add(new RegisteredComponent((ComponentFactory<?>) factory, source));
            } else {
                problems.critical(source, source.describeWithClass() + ": " + error + "; " + fix);
            }
        }
        return components;
    }

    /** Why {@code factory} cannot be registered, or {@code null} when it is healthy. */
    private static String check(Object factory) {
        if (factory == null) {
            return "components() returned a null factory";
        }
        if (!(factory instanceof ComponentFactory<?> f)) {
            return "components() returned a " + factory.getClass().getName() + ", which is not a " + ComponentFactory.class.getSimpleName();
        }
        String name = "factory " + f.getClass().getName();
        String step = "kind()";
        try {
            ComponentKind<?> kind = f.kind();
            if (kind == null) {
                return name + " returned a null kind()";
            }
            name = kind.label() + " factory " + f.getClass().getName();
            step = "id()";
            ComponentId id = f.id();
            if (id == null) {
                return name + " returned a null id()";
            }
            name = kind.label() + " '" + id + "'";
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
