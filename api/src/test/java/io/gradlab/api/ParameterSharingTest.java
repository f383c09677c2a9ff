package io.gradlab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** A copy of a model trains with the model's weights: {@link Parameter#shareValueOf}. */
class ParameterSharingTest {
    @Test
    void aSharedValueIsTheSourcesTensorAndTheGradientStaysOwn() {
        Parameter model = new Parameter("weight", Parameter.Role.WEIGHT, Tensor.zeros(DType.F32, 3, 4));
        Parameter copy = new Parameter("weight", Parameter.Role.WEIGHT, Tensor.zeros(DType.F32, 3, 4));
        copy.shareValueOf(model);
        assertThat(copy.value()).isSameAs(model.value());
        model.value().set(5, 2.5);
        assertThat(copy.value().get(5)).as("an update of the model's weight is the copy's").isEqualTo(2.5);
        assertThat(copy.grad()).isNotSameAs(model.grad());
    }

    @Test
    void anotherShapeOrTypeIsRefused() {
        Parameter model = new Parameter("weight", Parameter.Role.WEIGHT, Tensor.zeros(DType.F32, 3, 4));
        Parameter wide = new Parameter("weight", Parameter.Role.WEIGHT, Tensor.zeros(DType.F32, 4, 3));
        Parameter doubles = new Parameter("weight", Parameter.Role.WEIGHT, Tensor.zeros(DType.F64, 3, 4));
        assertThatThrownBy(() -> wide.shareValueOf(model)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[4, 3]")
                .hasMessageContaining("[3, 4]");
        assertThatThrownBy(() -> doubles.shareValueOf(model)).isInstanceOf(IllegalArgumentException.class);
        assertThat(wide.value()).isNotSameAs(model.value());
    }
}
