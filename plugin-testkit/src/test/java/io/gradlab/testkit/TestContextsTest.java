package io.gradlab.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

class TestContextsTest {
    @Test
    void contextsWithTheSameSeedInitializeTheSameValuesInBothTypes() {
        Parameter w64 = new Parameter("w", Parameter.Role.WEIGHT, Tensor.zeros(DType.F64, 3, 4));
        Parameter w32 = new Parameter("w", Parameter.Role.WEIGHT, Tensor.zeros(DType.F32, 3, 4));
        TestContexts.f64(9).initializeWeight(w64, new Fan(4, 3, "relu"));
        TestContexts.f32(9).initializeWeight(w32, new Fan(4, 3, "relu"));

        for (int i = 0; i < 12; i++) {
            assertThat(w32.value().get(i)).isEqualTo((double) (float) w64.value().get(i));
        }
        assertThat(w64.value().toDoubleArray()).doesNotContain(0.0);
        assertThat(TestContexts.f64(9).ops().backend()).isEqualTo("reference");
    }

    @Test
    void createValidatesTheParametersAndNamesTheInstance() {
        List<String> names = new ArrayList<>();
        ComponentFactory<Layer> dense = ComponentFactory.of(ComponentKind.LAYER, "dense", "fully connected",
                List.of(ParameterSpec.integer("units", 3, "output width").range(1, 10)), (p, context) -> {
                    names.add(context.name());
                    return new Fakes.Dense(p.getInt("units"));
                });

        TestContexts.create(dense, Map.of());
        TestContexts.create(dense, Map.of("units", 2), "hidden1");

        assertThat(names).containsExactly("dense", "hidden1");
        assertThatThrownBy(() -> TestContexts.create(dense, Map.of("units", 11))).hasMessageContaining("layer 'dense' at test");
    }

    @Test
    void aSupplierFactoryHasTheGivenKindAndNoParameters() {
        ComponentFactory<Layer> norm = TestContexts.factory(ComponentKind.NORMALIZER, "my-norm", Fakes.BatchNorm::new);

        assertThat(norm.kind()).isSameAs(ComponentKind.NORMALIZER);
        assertThat(norm.parameters()).isEmpty();
        assertThat(GradientCheck.layer(norm).batch(6).run().kind()).isSameAs(ComponentKind.NORMALIZER);
        assertThatThrownBy(() -> GradientCheck.layer(TestContexts.factory(ComponentKind.ARCHITECTURE, "net", Fakes.BatchNorm::new)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("architecture 'net' is not a layer or a normalizer");
    }
}
