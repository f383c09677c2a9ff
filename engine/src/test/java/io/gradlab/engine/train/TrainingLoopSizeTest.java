package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The training loop stays small enough to read in one sitting: what is not the loop itself (the model
 * view and its figures, the kernels' fast paths, resuming, an epoch's metrics, evaluation) has its own
 * class. The limit is a hard one; the loop is meant to stay well below it (about 250 lines).
 */
class TrainingLoopSizeTest {
    static final int MAX_LINES = 300;

    @Test
    void theLoopClassHasAtMost300Lines() throws IOException {
        Path module = Path.of(System.getProperty("basedir", "."));
        Path source = module.resolve("src/main/java").resolve(TrainingSession.class.getName().replace('.', '/') + ".java");
        assertThat(source).as("the loop's source (tests run in the engine module)").isRegularFile();
        try (var lines = Files.lines(source)) {
            assertThat(lines.count()).as("lines of %s", source).isLessThanOrEqualTo(MAX_LINES);
        }
    }
}
