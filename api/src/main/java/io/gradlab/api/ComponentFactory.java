package io.gradlab.api;

import java.util.List;

/**
 * The cheap metadata every component factory answers without building anything: kind, id, one-line
 * description, declared parameters and version. Each kind adds its own {@code create} method.
 */
public interface ComponentFactory {
    ComponentKind kind();

    ComponentId id();

    /** One line for {@code gradlab plugins}. */
    String description();

    /** The declared parameters; the host validates spec values against them. */
    default List<ParameterSpec> parameters() {
        return List.of();
    }

    /** The component's version: the jar's {@code Implementation-Version}, or {@code dev}. */
    default String version() {
        return versionOf(getClass());
    }

    /** The {@code Implementation-Version} of the jar that holds {@code type}, or {@code dev}. */
    static String versionOf(Class<?> type) {
        Package p = type.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
