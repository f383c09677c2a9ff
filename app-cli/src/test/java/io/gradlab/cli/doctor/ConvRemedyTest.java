package io.gradlab.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.Severity;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConvRemedyTest {
    private static final Path RESNET = Path.of("..", "examples", "resnet");

    private static ExperimentSpec spec(String file, String... overrides) {
        return SpecLoader.load(RESNET.resolve(file), List.of(overrides));
    }

    private static Finding finding(String code) {
        return new Finding(Severity.CRITICAL, code, code + " here", "stem", Map.of(), List.of("clip gradients"));
    }

    @Test
    void thePlainTwinAndACnnArePlainConvolutionalTheResnetAndAnMlpAreNot() {
        assertThat(ConvRemedy.plainConvolutional(spec("plain20.yaml"))).isTrue();
        assertThat(ConvRemedy.plainConvolutional(spec("deep-plain-cnn.yaml"))).isTrue();
        assertThat(ConvRemedy.plainConvolutional(spec("resnet20.yaml"))).isFalse();
        assertThat(ConvRemedy.plainConvolutional(spec("resnet20.yaml", "model.architecture.residual=false"))).isTrue();
        assertThat(ConvRemedy.plainConvolutional(spec("../m05/baseline.yaml"))).isFalse();
    }

    @Test
    void onlyGradientFindingsOfAPlainCnnGetTheResidualRemedyFirst() {
        List<Finding> in = List.of(finding("vanishing-gradient"), finding("exploding-gradient"), finding("dead-units"));

        List<Finding> plain = ConvRemedy.apply(spec("plain20.yaml"), in);
        assertThat(plain.get(0).remedies()).containsExactly(ConvRemedy.RESIDUAL, "clip gradients");
        assertThat(plain.get(1).remedies()).containsExactly(ConvRemedy.RESIDUAL, "clip gradients");
        assertThat(plain.get(2)).isEqualTo(in.get(2));
        assertThat(plain.get(0).message()).isEqualTo("vanishing-gradient here");
        assertThat(ConvRemedy.apply(spec("resnet20.yaml"), in)).isEqualTo(in);
        // applied twice, the remedy is named once
        assertThat(ConvRemedy.apply(spec("plain20.yaml"), plain).get(0).remedies()).hasSize(2);
    }
}
