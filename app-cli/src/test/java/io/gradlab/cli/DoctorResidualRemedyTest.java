package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code gradlab doctor} on a deep plain CNN names residual blocks among the remedies of its vanishing gradient. */
class DoctorResidualRemedyTest {
    private static Path examples() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("examples/resnet"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("examples/resnet not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("examples/resnet");
    }

    @Test
    void aDeepPlainCnnHasAVanishingGradientAndGetsTheResidualRemedyFirst() {
        Cli.Result r = Cli.run("doctor", examples().resolve("deep-plain-cnn.yaml").toString(), "--steps", "12");

        assertThat(r.code()).as(r.err()).isEqualTo(1);
        String out = r.out();
        assertThat(out).contains("CRITICAL  vanishing gradient").contains("the first hidden layer 'conv1'");
        String remedies = out.substring(out.indexOf("remedies:", out.indexOf("CRITICAL  vanishing gradient")));
        assertThat(remedies).startsWith("remedies:\n    - residual blocks: ").contains("examples/resnet/resnet20.yaml")
                .contains("basic-block with residual: true");
    }

    @Test
    void anMlpWithAVanishingGradientIsNotToldToUseConvolutionalBlocks() {
        Path m05 = examples().resolveSibling("m05").resolve("baseline.yaml");
        Cli.Result r = Cli.run("doctor", m05.toString(), "--subset=embedded", "--steps", "12");

        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("CRITICAL  vanishing gradient").doesNotContain("examples/resnet/resnet20.yaml");
    }
}
