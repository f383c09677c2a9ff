package io.gradlab.engine.spec;

import static io.gradlab.engine.spec.Specs.MINIMAL_YAML;
import static io.gradlab.engine.spec.Specs.json;
import static io.gradlab.engine.spec.Specs.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Hostile input is rejected quickly, with a clear message and no parser noise. */
@Timeout(10)
class SpecLimitsTest {

    @Test
    void deeplyNestedYamlIsRejectedQuickly() {
        String deep = MINIMAL_YAML + "diagnostics: " + "[".repeat(50_000) + "]".repeat(50_000) + "\n";

        String message = rejectedWithin(() -> yaml(deep), Duration.ofSeconds(3));

        assertThat(message).startsWith("spec.yaml: line 9, column ").contains("nested more than 100 levels deep");
    }

    @Test
    void deeplyNestedBlockYamlIsRejected() {
        StringBuilder text = new StringBuilder(MINIMAL_YAML).append("diagnostics:\n");
        for (int i = 0; i < 150; i++) {
            text.append(" ".repeat(i + 1)).append("k").append(i).append(":\n");
        }
        text.append(" ".repeat(151)).append("x\n");

        assertThat(rejectedWithin(() -> yaml(text.toString()), Duration.ofSeconds(3))).contains("nested more than 100 levels deep");
    }

    @Test
    void deeplyNestedJsonIsRejectedQuickly() {
        String deep = "{\"name\": \"x\", \"diagnostics\": " + "[".repeat(50_000) + "]".repeat(50_000) + "}";

        String message = rejectedWithin(() -> json(deep), Duration.ofSeconds(3));

        assertThat(message).startsWith("spec.json: line 1, column ").contains("100").doesNotContain("StreamReadConstraints");
    }

    @Test
    void aBillionLaughsAliasBombIsRejectedQuickly() {
        StringBuilder bomb = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            char prev = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [").append(String.join(", ", List.of(
                    "*" + prev, "*" + prev, "*" + prev, "*" + prev, "*" + prev, "*" + prev, "*" + prev, "*" + prev, "*" + prev))).append("]\n");
        }

        String message = rejectedWithin(() -> yaml(bomb.toString()), Duration.ofSeconds(3));

        assertThat(message).startsWith("spec.yaml: line ").containsAnyOf("YAML aliases", "values once its YAML aliases are expanded");
    }

    @Test
    void anAliasBombWithFewAliasesIsStoppedByTheValueLimit() {
        StringBuilder bomb = new StringBuilder("a0: &a0 [x, x]\n");
        for (int i = 1; i <= 24; i++) {
            bomb.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        }

        String message = rejectedWithin(() -> yaml(bomb.toString()), Duration.ofSeconds(3));

        assertThat(message).contains("more than 100000 values once its YAML aliases are expanded");
    }

    @Test
    void aFileLargerThanOneMebibyteIsRejectedBeforeReading(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.yaml");
        Files.writeString(big, MINIMAL_YAML + "description: \"" + "x".repeat(1 << 20) + "\"\n");

        Throwable thrown = catchThrowable(() -> SpecLoader.load(big, List.of()));

        assertThat(thrown).isInstanceOfSatisfying(GradlabException.class, e -> {
            assertThat(e.category()).isEqualTo(Category.SPEC);
            assertThat(e.getMessage()).contains("big.yaml").contains("too large").contains("1 MiB");
        });
    }

    @Test
    void tooLargeTextIsRejected() {
        String message = rejectedWithin(() -> yaml(MINIMAL_YAML + "#" + "x".repeat(1 << 20)), Duration.ofSeconds(3));

        assertThat(message).contains("too large");
    }

    @Test
    void aVeryLongTextValueIsRejected() {
        String longText = "x".repeat(70_000);

        assertThat(rejectedWithin(() -> yaml(MINIMAL_YAML + "description: " + longText + "\n"), Duration.ofSeconds(3)))
                .contains("longer than 65536 characters");
        assertThat(rejectedWithin(() -> json("{\"description\": \"" + longText + "\"}"), Duration.ofSeconds(3)))
                .contains("65536").doesNotContain("StreamReadConstraints");
    }

    @Test
    void yamlTagsDoNotInstantiateAnything() {
        ExperimentSpec spec = yaml(MINIMAL_YAML + "description: !!java.io.File /etc/passwd\n");

        assertThat(spec.description()).isEqualTo("/etc/passwd");
    }

    private static String rejectedWithin(ThrowingCallable call, Duration limit) {
        long start = System.nanoTime();
        Throwable thrown = catchThrowable(call);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isLessThan(limit);
        assertThat(thrown).isInstanceOf(GradlabException.class);
        GradlabException e = (GradlabException) thrown;
        assertThat(e.category()).as(e.getMessage()).isEqualTo(Category.SPEC);
        assertThat(e.getMessage()).doesNotContain("\n", "com.fasterxml", "org.yaml");
        return e.getMessage();
    }
}
