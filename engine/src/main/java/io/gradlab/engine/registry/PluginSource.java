package io.gradlab.engine.registry;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Where a plugin (and the components it contributes) came from.
 *
 * @param name        the classpath module ({@code gradlab-plugins-activations}) or the jar file name
 *                    ({@code my-activations.jar})
 * @param jar         the plugin jar, or {@code null} for a plugin found on the classpath
 * @param pluginClass the {@link io.gradlab.api.GradlabPlugin} class, or {@code null} when a problem is
 *                    about a whole jar (a corrupt zip, an incompatible manifest) rather than one plugin
 */
public record PluginSource(String name, Path jar, String pluginClass) {
    public PluginSource {
        requireNonNull(name, "name is null");
    }

    /** Whether the plugin was found on the host's classpath (rather than in the plugins folder). */
    public boolean isClasspath() {
        return jar == null;
    }

    /** For messages: {@code plugin jar foo.jar} or {@code classpath module gradlab-plugins-activations}. */
    public String describe() {
        return (isClasspath() ? "classpath module " : "plugin jar ") + name;
    }

    /** {@link #describe()} with the plugin class: {@code plugin jar foo.jar (com.example.FooPlugin)}. */
    public String describeWithClass() {
        return pluginClass == null ? describe() : describe() + " (" + pluginClass + ")";
    }

    PluginSource withPluginClass(String className) {
        return new PluginSource(name, jar, className);
    }

    @Override
    public String toString() {
        return describeWithClass();
    }
}
