package io.gradlab.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.ComponentId;
import io.gradlab.engine.registry.fixture.Marker;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

class PluginClassLoaderTest {
    @TempDir
    Path dir;

    private Path jar;

    @BeforeEach
    void buildJar() throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        TestJars.compile(classes, Map.of("io.gradlab.engine.registry.fixture.Marker", """
                package io.gradlab.engine.registry.fixture;
                public final class Marker {
                    public String origin() { return "plugin jar"; }
                }
                """));
        jar = TestJars.jar(dir.resolve("marker.jar"), classes, List.of("io.gradlab.engine.registry.fixture"), List.of(),
                List.of("some.Plugin"), Map.of());
    }

    @Test
    void apiAndSlf4jComeFromTheHost() throws Exception {
        try (PluginClassLoader loader = loader()) {
            assertThat(loader.loadClass(ComponentId.class.getName())).isSameAs(ComponentId.class);
            assertThat(loader.loadClass(Logger.class.getName())).isSameAs(Logger.class);
            assertThat(loader.loadClass("java.lang.String")).isSameAs(String.class);
            assertThat(loader.loadClass("java.sql.Connection")).isSameAs(java.sql.Connection.class);
        }
    }

    @Test
    void pluginClassesComeFromTheJarEvenWhenTheHostHasThem() throws Exception {
        try (PluginClassLoader loader = loader()) {
            Class<?> marker = loader.loadClass(Marker.class.getName());

            assertThat(marker).isNotSameAs(Marker.class);
            assertThat(marker.getClassLoader()).isSameAs(loader);
            assertThat(marker.getMethod("origin").invoke(marker.getConstructor().newInstance())).isEqualTo("plugin jar");
        }
    }

    @Test
    void otherHostLibrariesAreInvisible() throws IOException {
        try (PluginClassLoader loader = loader()) {
            assertThatThrownBy(() -> loader.loadClass("com.google.common.collect.ImmutableList"))
                    .isInstanceOf(ClassNotFoundException.class);
            assertThatThrownBy(() -> loader.loadClass("io.gradlab.engine.registry.PluginHost"))
                    .isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void serviceFilesAreThePluginsOwnAndApiResourcesTheHosts() throws IOException {
        try (PluginClassLoader loader = loader()) {
            List<URL> services = Collections.list(loader.getResources(TestJars.SERVICE_FILE));
            assertThat(services).singleElement().satisfies(url -> assertThat(url.toString()).contains("marker.jar"));

            String apiClass = ComponentId.class.getName().replace('.', '/') + ".class";
            assertThat(loader.getResource(apiClass)).isEqualTo(getClass().getClassLoader().getResource(apiClass));
        }
    }

    @Test
    void sharedPackagePrefixes() {
        assertThat(PluginClassLoader.isHostClass("io.gradlab.api.ComponentFactory")).isTrue();
        assertThat(PluginClassLoader.isHostClass("org.slf4j.LoggerFactory")).isTrue();
        assertThat(PluginClassLoader.isHostClass("io.gradlab.apix.Thing")).isFalse();
        assertThat(PluginClassLoader.isHostClass("io.gradlab.engine.Engine")).isFalse();
        assertThat(PluginClassLoader.isHostResource("/org/slf4j/Logger.class")).isTrue();
        assertThat(PluginClassLoader.isHostResource(TestJars.SERVICE_FILE)).isFalse();
    }

    private PluginClassLoader loader() throws IOException {
        return new PluginClassLoader("test", List.of(jar.toUri().toURL()), getClass().getClassLoader());
    }
}
