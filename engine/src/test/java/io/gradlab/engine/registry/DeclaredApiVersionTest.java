package io.gradlab.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.ApiVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeclaredApiVersionTest {
    @TempDir
    static Path classes;

    @BeforeAll
    static void compile() throws IOException {
        TestJars.compile(classes, Map.of(
                "v.Constant", """
                        package v;
                        public final class Constant {
                            private static final long BIG = 1L << 40;      // a two-slot constant before the string
                            private final double scale = 2.5;
                            public String apiVersion() { return io.gradlab.api.ApiVersion.CURRENT; }
                            public long big() { return BIG; }
                        }
                        """,
                "v.Computed", """
                        package v;
                        public final class Computed {
                            public String apiVersion() { return String.valueOf(io.gradlab.api.ApiVersion.CURRENT); }
                        }
                        """,
                "v.NoMethod", """
                        package v;
                        public final class NoMethod {
                            public String version() { return "2.0"; }
                        }
                        """));
    }

    @Test
    void theConstantThatApiVersionReturnsIsReadWithoutLoadingTheClass() throws IOException {
        assertThat(DeclaredApiVersion.of(bytes("v/Constant"))).contains(ApiVersion.CURRENT);
    }

    @Test
    void anythingElseGivesNothing() throws IOException {
        assertThat(DeclaredApiVersion.of(bytes("v/Computed"))).isEmpty();
        assertThat(DeclaredApiVersion.of(bytes("v/NoMethod"))).isEmpty();
        assertThat(DeclaredApiVersion.of(new byte[] {(byte) 0xCA, (byte) 0xFE})).isEmpty();
        assertThat(DeclaredApiVersion.of("not a class file".getBytes(StandardCharsets.UTF_8))).isEmpty();
        byte[] truncated = bytes("v/Constant");
        assertThat(DeclaredApiVersion.of(Arrays.copyOf(truncated, truncated.length / 2))).isEmpty();
    }

    private static byte[] bytes(String name) throws IOException {
        return Files.readAllBytes(classes.resolve(name + ".class"));
    }
}
