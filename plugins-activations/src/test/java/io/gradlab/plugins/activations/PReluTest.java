package io.gradlab.plugins.activations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.testkit.TestContexts;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class PReluTest {

    private static Activation prelu(Map<String, Object> params, int units, DType dtype) {
        return TestContexts.boundActivation(Eval.factory("prelu"), params, units, TestContexts.context(dtype, 1));
    }

    @Test
    void oneSlopePerUnitByDefaultOrOneShared() {
        assertThat(prelu(Map.of(), 3, DType.F64).parameters()).singleElement()
                .satisfies(p -> assertThat(p.value().toDoubleArray()).containsExactly(0.25, 0.25, 0.25))
                .satisfies(p -> assertThat(p.role()).isEqualTo(Parameter.Role.OTHER));
        assertThat(prelu(Map.of("shared", true), 3, DType.F64).parameters().get(0).value().size()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void slopeGradientSumsNegativeInputsTimesOutputGradientPerUnit(DType dtype) {
        Activation a = prelu(Map.of(), 2, dtype);
        Tensor x = Tensor.of(dtype, new double[] {-1, 2, -3, -4}, 2, 2);
        Tensor y = Tensor.zeros(dtype, 2, 2);
        a.forward(x, y);
        assertThat(y.toDoubleArray()).containsExactly(-0.25, 2, -0.75, -1);

        Tensor gy = Tensor.of(dtype, new double[] {1, 1, 2, 0.5}, 2, 2);
        Tensor gx = Tensor.zeros(dtype, 2, 2);
        a.backward(x, y, gy, gx);
        assertThat(gx.toDoubleArray()).containsExactly(0.25, 1, 0.5, 0.125);

        a.accumulateGradients(x, y, gy);
        a.accumulateGradients(x, y, gy);
        // unit 0: (-1)(1) + (-3)(2) = -7; unit 1: (-4)(0.5) = -2; added twice
        assertThat(a.parameters().get(0).grad().toDoubleArray()).containsExactly(-14, -4);
    }

    @Test
    void aWidthOtherThanTheBoundOneIsAnError() {
        Activation a = prelu(Map.of(), 2, DType.F64);
        assertThatThrownBy(() -> a.forward(Tensor.zeros(DType.F64, 1, 3), Tensor.zeros(DType.F64, 1, 3)))
                .isInstanceOf(GradlabException.class).hasMessageContaining("bound to 2 units");
        assertThatThrownBy(() -> a.bind(3, TestContexts.f64())).isInstanceOf(GradlabException.class);

        Activation shared = prelu(Map.of("shared", true), 2, DType.F64);
        shared.forward(Tensor.zeros(DType.F64, 1, 3), Tensor.zeros(DType.F64, 1, 3));
    }

    @Test
    void useBeforeBindIsAnError() {
        Activation a = TestContexts.create(Eval.factory("prelu"), Map.of());
        assertThat(a.parameters()).isEmpty();
        assertThatThrownBy(() -> a.forward(Tensor.zeros(DType.F64, 1, 1), Tensor.zeros(DType.F64, 1, 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("bind");
    }
}
