package io.gradlab.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.MalformedURLException;
import java.net.URL;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClasspathOriginTest {
    @ParameterizedTest
    @CsvSource({
        "jar:file:/opt/gradlab/lib/gradlab-plugins-activations-0.1.0-SNAPSHOT.jar!/META-INF/services/io.gradlab.api.GradlabPlugin, gradlab-plugins-activations",
        "jar:file:/opt/gradlab/lib/my-plugin.jar!/META-INF/services/io.gradlab.api.GradlabPlugin, my-plugin",
        "file:/work/gradlab/plugins-activations/target/classes/META-INF/services/io.gradlab.api.GradlabPlugin, plugins-activations",
        "file:/work/gradlab/engine/target/test-classes/META-INF/services/io.gradlab.api.GradlabPlugin, engine",
        "file:/srv/classes/META-INF/services/io.gradlab.api.GradlabPlugin, classes",
    })
    void namesTheClasspathEntry(String url, String name) throws MalformedURLException {
        assertThat(ClasspathOrigin.entryName(new URL(url))).isEqualTo(name);
    }

    @ParameterizedTest
    @CsvSource({"guava-33.8.0-jre, guava", "gradlab-engine-0.1.0-SNAPSHOT, gradlab-engine", "slf4j-api-2.0.20, slf4j-api",
            "plain, plain", "v2-tools, v2-tools"})
    void stripsVersions(String artifact, String name) {
        assertThat(ClasspathOrigin.withoutVersion(artifact)).isEqualTo(name);
    }

    @org.junit.jupiter.api.Test
    void aModuleBuiltInPlaceIsNamedByItsPomsArtifactId(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path services = dir.resolve("engine/target/classes/META-INF/services");
        java.nio.file.Files.createDirectories(services);
        java.nio.file.Path file = java.nio.file.Files.writeString(services.resolve("io.gradlab.api.GradlabPlugin"), "x.Y\n");
        java.nio.file.Files.writeString(dir.resolve("engine/pom.xml"), "<project><parent><artifactId>gradlab-parent</artifactId></parent>"
                + "<artifactId>gradlab-engine</artifactId></project>");
        assertThat(ClasspathOrigin.entryName(file.toUri().toURL())).isEqualTo("gradlab-engine");
    }
}
