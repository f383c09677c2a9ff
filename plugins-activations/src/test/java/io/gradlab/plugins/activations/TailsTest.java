package io.gradlab.plugins.activations;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.tensor.DType;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The tails stay finite and take their limiting values, in both element types. */
class TailsTest {

    @ParameterizedTest
    @EnumSource(DType.class)
    void tailsHaveTheirLimits(DType dtype) {
        assertThat(Eval.at("softplus", Map.of(), dtype, 1000)).containsExactly(1000.0, 1.0);
        assertThat(Eval.at("softplus", Map.of("threshold", 1e5), dtype, 1000)).containsExactly(1000.0, 1.0);
        assertThat(Eval.at("softplus", Map.of(), dtype, -1000)).containsExactly(0.0, 0.0);
        assertThat(Eval.at("gelu", Map.of(), dtype, -50)[0]).isZero();
        assertThat(Eval.at("gelu", Map.of(), dtype, -50)[1]).isZero();
        assertThat(Eval.at("gelu", Map.of(), dtype, 1000)).containsExactly(1000.0, 1.0);
        assertThat(Eval.at("gelu", Map.of("approximate", "tanh"), dtype, -1000)).containsExactly(-0.0, 0.0);
        assertThat(Eval.at("gelu", Map.of("approximate", "tanh"), dtype, 1000)).containsExactly(1000.0, 1.0);
        assertThat(Eval.at("swish", Map.of(), dtype, -1000)[0]).isZero();
        assertThat(Eval.at("swish", Map.of(), dtype, -1000)[1]).isZero();
        assertThat(Eval.at("swish", Map.of(), dtype, 1000)).containsExactly(1000.0, 1.0);
        assertThat(Eval.at("mish", Map.of(), dtype, 1000)).containsExactly(1000.0, 1.0);
        assertThat(Eval.at("mish", Map.of(), dtype, -1000)[0]).isZero();
        assertThat(Eval.at("mish", Map.of(), dtype, -1000)[1]).isZero();
        assertThat(Eval.at("elu", Map.of(), dtype, -1000)).containsExactly(-1.0, 0.0);
        assertThat(Eval.at("elu", Map.of("alpha", 0.5), dtype, -1000)).containsExactly(-0.5, 0.0);
        assertThat(Eval.at("selu", Map.of(), dtype, -1000)[0]).isCloseTo(-Selu.SCALE * Selu.ALPHA, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(Eval.at("hard-sigmoid", Map.of(), dtype, 1000)).containsExactly(1.0, 0.0);
        assertThat(Eval.at("hard-swish", Map.of(), dtype, -1000)).containsExactly(-0.0, 0.0);
    }
}
