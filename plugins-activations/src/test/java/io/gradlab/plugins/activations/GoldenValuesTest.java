package io.gradlab.plugins.activations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.tensor.DType;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Values and derivatives against reference values: the definitions in the papers and PyTorch,
 * evaluated to 40 digits (mpmath) and rounded to double.
 */
class GoldenValuesTest {

    static Stream<Arguments> golden() {
        return Stream.of(
                // id, params, x, f(x), f'(x)
                Arguments.of("relu", Map.of(), 2.5, 2.5, 1.0),
                Arguments.of("relu", Map.of(), -2.5, 0.0, 0.0),
                Arguments.of("relu", Map.of(), 1e-30, 1e-30, 1.0),
                Arguments.of("relu", Map.of(), -1e-30, 0.0, 0.0),
                Arguments.of("leaky-relu", Map.of(), -2.0, -0.02, 0.01),
                Arguments.of("leaky-relu", Map.of("negative-slope", 0.2), -2.0, -0.4, 0.2),
                Arguments.of("leaky-relu", Map.of(), 3.0, 3.0, 1.0),
                Arguments.of("prelu", Map.of(), -2.0, -0.5, 0.25),
                Arguments.of("prelu", Map.of("init", 0.1, "shared", true), -2.0, -0.2, 0.1),
                Arguments.of("elu", Map.of(), -1.0, -0.6321205588285577, 0.36787944117144233),
                Arguments.of("elu", Map.of("alpha", 0.5), -1.0, -0.31606027941427883, 0.18393972058572117),
                Arguments.of("elu", Map.of(), 2.0, 2.0, 1.0),
                Arguments.of("selu", Map.of(), 1.0, 1.0507009873554805, 1.0507009873554805),
                Arguments.of("selu", Map.of(), -1.0, -1.1113307378125628, 0.6467686030348141),
                Arguments.of("softplus", Map.of(), 1.0, 1.3132616875182228, 0.7310585786300049),
                Arguments.of("softplus", Map.of(), -1.0, 0.3132616875182228, 0.2689414213699951),
                Arguments.of("softplus", Map.of(), 0.0, 0.6931471805599453, 0.5),
                Arguments.of("softplus", Map.of("beta", 2.0), 1.0, 1.0634640055214863, 0.8807970779778824),
                Arguments.of("softplus", Map.of(), 25.0, 25.0, 1.0),
                Arguments.of("silu", Map.of(), 1.0, 0.7310585786300049, 0.9276705118714867),
                Arguments.of("silu", Map.of(), -1.0, -0.2689414213699951, 0.07232948812851327),
                Arguments.of("swish", Map.of("beta", 2.0), 0.5, 0.5 * 0.7310585786300049, 0.7310585786300049 + 0.7310585786300049 * 0.2689414213699951),
                Arguments.of("gelu", Map.of(), 1.0, 0.8413447460685429, 1.0833154705876864),
                Arguments.of("gelu", Map.of(), -1.0, -0.15865525393145705, -0.0833154705876863),
                Arguments.of("gelu", Map.of(), 0.5, 0.34573123063700656, 0.8674951246561629),
                Arguments.of("gelu", Map.of(), -3.0, -0.0040496940948902835, -0.011945647204183927),
                Arguments.of("gelu", Map.of(), -5.0, -1.4332578593959695e-06, Double.NaN),
                Arguments.of("gelu", Map.of("approximate", "tanh"), 1.0, 0.8411919906082768, 1.0829640838457826),
                Arguments.of("gelu", Map.of("approximate", "tanh"), -1.0, -0.1588080093917233, -0.08296408384578255),
                Arguments.of("gelu", Map.of("approximate", "tanh"), -3.0, -0.003637392081773019, -0.011584166630969726),
                Arguments.of("gelu", Map.of("approximate", "tanh"), -5.0, -2.291796196629506e-07, Double.NaN),
                Arguments.of("mish", Map.of(), 1.0, 0.8650983882673103, 1.0490362200997922),
                Arguments.of("mish", Map.of(), -1.0, -0.3034014613741089, 0.05921675587739495),
                Arguments.of("mish", Map.of(), 0.5, 0.37524521130489513, 0.8864243753577272),
                Arguments.of("mish", Map.of(), -30.0, -2.807286890651921e-12, Double.NaN),
                Arguments.of("swish", Map.of(), -30.0, -2.8072868906517896e-12, Double.NaN),
                Arguments.of("hard-sigmoid", Map.of(), 1.0, 2.0 / 3.0, 1.0 / 6.0),
                Arguments.of("hard-sigmoid", Map.of(), 4.0, 1.0, 0.0),
                Arguments.of("hard-sigmoid", Map.of(), -4.0, 0.0, 0.0),
                Arguments.of("hard-swish", Map.of(), 1.0, 2.0 / 3.0, 1.0 / 3.0 + 0.5),
                Arguments.of("hard-swish", Map.of(), -1.0, -1.0 / 3.0, -1.0 / 3.0 + 0.5),
                Arguments.of("hard-swish", Map.of(), 4.0, 4.0, 1.0),
                Arguments.of("hard-swish", Map.of(), -4.0, 0.0, 0.0));
    }

    @ParameterizedTest(name = "{0} {1} at {2}")
    @MethodSource("golden")
    void valueAndDerivativeInFloat64(String id, Map<String, Object> params, double x, double value, double derivative) {
        double[] r = Eval.at(id, params, DType.F64, x);

        assertThat(r[0]).isCloseTo(value, within(1e-14 * Math.abs(value)));
        if (!Double.isNaN(derivative)) {
            assertThat(r[1]).isCloseTo(derivative, within(1e-15 * Math.max(1.0, Math.abs(derivative))));
        }
    }

    @ParameterizedTest(name = "{0} {1} at {2}")
    @MethodSource("golden")
    void valueAndDerivativeInFloat32(String id, Map<String, Object> params, double x, double value, double derivative) {
        double[] r = Eval.at(id, params, DType.F32, x);

        assertThat(r[0]).isCloseTo(value, within(2e-7 * Math.abs(value)));
        if (!Double.isNaN(derivative)) {
            assertThat(r[1]).isCloseTo(derivative, within(2e-7 * Math.max(1.0, Math.abs(derivative))));
        }
    }

    @ParameterizedTest(name = "relu'({0})")
    @org.junit.jupiter.params.provider.ValueSource(doubles = {1e-8, 0.3, 7.0, 1e6})
    void reluDerivativeIsOneForPositiveAndZeroForNegativeInputs(double x) {
        assertThat(Eval.derivative("relu", Map.of(), x)).isEqualTo(1.0);
        assertThat(Eval.derivative("relu", Map.of(), -x)).isEqualTo(0.0);
        assertThat(Eval.value("relu", Map.of(), -x)).isEqualTo(0.0);
    }
}
