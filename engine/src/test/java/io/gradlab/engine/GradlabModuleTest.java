package io.gradlab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import io.gradlab.api.GradlabException;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHostConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GradlabModuleTest {
    @Test
    void providesOneRegistryAndTheConfig(@TempDir Path plugins) {
        PluginHostConfig config = new PluginHostConfig(plugins, true);
        Injector injector = Guice.createInjector(new GradlabModule(config));

        ComponentRegistry registry = injector.getInstance(ComponentRegistry.class);

        assertThat(injector.getInstance(ComponentRegistry.class)).isSameAs(registry);
        assertThat(injector.getInstance(PluginHostConfig.class)).isEqualTo(config);
        assertThat(registry.problems()).isEmpty();
    }

    @Test
    void creatingTheInjectorLoadsNothing(@TempDir Path dir) {
        Path missing = dir.resolve("missing");

        Injector injector = Guice.createInjector(new GradlabModule(new PluginHostConfig(missing, false)));

        // the folder is only checked when the registry is first needed
        assertThatThrownBy(() -> injector.getInstance(ComponentRegistry.class))
                .isInstanceOf(ProvisionException.class)
                .hasCauseInstanceOf(GradlabException.class)
                .hasRootCauseMessage("plugins folder " + missing + " does not exist: create it and put plugin jars in it,"
                        + " or give an existing folder");
    }
}
