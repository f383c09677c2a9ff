package io.gradlab.engine;

import static java.util.Objects.requireNonNull;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;

/**
 * The engine's Guice wiring: the plugin host configuration and the one {@link ComponentRegistry}.
 * {@link #configure()} only declares bindings; plugins are loaded when the registry is first needed.
 * Plugins never see Guice: they are found by {@link java.util.ServiceLoader} and built with their
 * no-argument constructors.
 */
public final class GradlabModule extends AbstractModule {
    private final PluginHostConfig config;

    public GradlabModule(PluginHostConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    protected void configure() {
        bind(PluginHostConfig.class).toInstance(config);
    }

    @Provides
    @Singleton
    ComponentRegistry componentRegistry(PluginHostConfig hostConfig) {
        return new PluginHost(hostConfig).load();
    }
}
