package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gradlab summary SPEC}: the layers, their output shapes and parameter counts, without training. */
class SummaryCommandTest {
    @TempDir
    Path dir;

    @Test
    void listsEveryLayerWithItsOutputShapeAndParameterCountAndTheTotal() {
        Path spec = TinyCsv.spec(dir.resolve("spec"), 1);   // 6 features -> 16 -> 12 -> 3 classes, sigmoid
        Cli.Result r = Cli.run("summary", spec.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Model: \"tiny\"", "(input: (batch, 6))")
                .containsPattern("\\(dense\\)\\s+\\(batch, 16\\)\\s+112\n")
                .containsPattern("\\(sigmoid\\)\\s+\\(batch, 16\\)\\s+0\n")
                .containsPattern("\\(dense\\)\\s+\\(batch, 12\\)\\s+204\n")
                .containsPattern("\\(dense\\)\\s+\\(batch, 3\\)\\s+39\n")
                .contains("Total params: 355", "Trainable params: 355", "Non-trainable params: 0");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void imageLayersShowChannelsHeightAndWidth() {
        Path spec = Path.of("..", "examples", "resnet", "resnet20.yaml");
        Cli.Result r = Cli.run("summary", spec.toString(), "--set", "data.source.subset=embedded", "--set", "model.architecture.depth=8");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("stem \\(conv2d\\)\\s+\\(batch, 16, 28, 28\\)\\s+144\n")
                .containsPattern("stem-act \\(relu\\)\\s+\\(batch, 16, 28, 28\\)\\s+0\n")
                .containsPattern("stage2-block1 \\(basic-block\\)\\s+\\(batch, 32, 14, 14\\)")
                .containsPattern("stage3-block1 \\(basic-block\\)\\s+\\(batch, 64, 7, 7\\)")
                .containsPattern("pool \\(global-avg-pool\\)\\s+\\(batch, 64\\)")
                .containsPattern("output \\(dense\\)\\s+\\(batch, 10\\)");
    }

    @Test
    void aBadSpecIsAOneLineError() {
        Path spec = Specs.write(dir, "bad.yaml", "name: x\n");
        Cli.Result r = Cli.run("summary", spec.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.errLines()).hasSize(1);
    }
}
