package io.gradlab.engine.registry;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentId;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import java.util.List;

/** A component factory together with the plugin it came from. */
public record RegisteredComponent(ComponentFactory<?> factory, PluginSource source) {
    public RegisteredComponent {
        requireNonNull(factory, "factory is null");
        requireNonNull(source, "source is null");
    }

    public ComponentKind<?> kind() {
        return factory.kind();
    }

    public ComponentId id() {
        return factory.id();
    }

    public String description() {
        return factory.description();
    }

    public String version() {
        return factory.version();
    }

    public List<ParameterSpec> parameters() {
        return factory.parameters();
    }

    /** For messages: {@code activation 'relu' from classpath module gradlab-plugins-activations}. */
    public String describe() {
        return kind().label() + " '" + id() + "' from " + source.describe();
    }

    @Override
    public String toString() {
        return describe();
    }
}
