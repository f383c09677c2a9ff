package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LauncherTest {
    /** Surefire runs in the module folder; the launcher is in the project root's bin/. */
    private static final Path LAUNCHER = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("bin/gradlab");

    @Test
    void theLauncherExistsAndIsExecutable() {
        assertThat(LAUNCHER).isRegularFile();
        assertThat(Files.isExecutable(LAUNCHER)).as(LAUNCHER + " is executable").isTrue();
    }

    @Test
    void theLauncherRunsTheMainClassFromTheBuiltJars() throws IOException {
        String script = Files.readString(LAUNCHER);

        assertThat(script).startsWith("#!/usr/bin/env bash")
                .contains("io.gradlab.cli.Main")
                .contains("app-cli/target/gradlab-cli.jar")
                .contains("app-cli/target/lib")
                .contains("GRADLAB_HOME")
                .contains("mvn -B package -DskipTests");
    }
}
