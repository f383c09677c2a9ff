package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.ApiVersion;
import org.junit.jupiter.api.Test;

class VersionTest {
    @Test
    void versionNamesGradlabTheApiJavaAndTheBlasBackend() {
        Cli.Result r = Cli.run("--version");

        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out().lines().toList()).hasSize(4);
        assertThat(r.out()).containsPattern("(?m)^gradlab \\d+\\.\\d+\\.\\d+")
                .contains("plugin API " + ApiVersion.CURRENT)
                .contains("Java " + System.getProperty("java.version"))
                .containsPattern("(?m)^BLAS (native-openblas|java-vector|java)$");
    }

    @Test
    void theVersionComesFromTheFilteredBuildResource() {
        assertThat(VersionProvider.gradlabVersion()).doesNotContain("${").isNotEqualTo("unknown");
    }
}
