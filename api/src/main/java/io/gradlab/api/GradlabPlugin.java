package io.gradlab.api;

import java.util.List;

/**
 * The one entry point of a plugin jar, found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/io.gradlab.api.GradlabPlugin}. A plugin overrides only what it
 * contributes; the host pulls the factories (plugins never push into a registry). The class needs a
 * public no-argument constructor, and must not do work in it.
 *
 * <pre>{@code
 * public final class MyPlugin implements GradlabPlugin {
 *     public String apiVersion() { return ApiVersion.CURRENT; }  // inlined at compile time
 *     public List<ComponentFactory<?>> components() {
 *         return List.of(ComponentFactory.of(ComponentKind.ACTIVATION, "cube", "x^3", List.of(), params -> new Cube()));
 *     }
 * }
 * }</pre>
 */
public interface GradlabPlugin {
    /**
     * The API version this plugin was compiled against. Implement it as
     * {@code return ApiVersion.CURRENT;}: the constant is copied into the plugin at compile time.
     */
    String apiVersion();

    /** A name for messages; the class name by default. */
    default String name() {
        return getClass().getName();
    }

    /** The factories of every component this plugin contributes, of any kinds; none by default. */
    default List<ComponentFactory<?>> components() {
        return List.of();
    }
}
