package io.gradlab.plugins.activations;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.ApiVersion;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabPlugin;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.tensor.DType;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ActivationsPluginTest {

    @Test
    void serviceLoaderFindsThePlugin() {
        List<GradlabPlugin> plugins = ServiceLoader.load(GradlabPlugin.class).stream().map(ServiceLoader.Provider::get).toList();

        assertThat(plugins).hasAtLeastOneElementOfType(ActivationsPlugin.class);
        assertThat(new ActivationsPlugin().apiVersion()).isEqualTo(ApiVersion.CURRENT);
        assertThat(ApiVersion.compatible(ApiVersion.CURRENT, new ActivationsPlugin().apiVersion())).isTrue();
    }

    @Test
    void contributesOnlyActivationsWithUniqueIds() {
        ActivationsPlugin plugin = new ActivationsPlugin();

        assertThat(plugin.components()).extracting(f -> f.id().value()).containsExactly(
                "relu", "leaky-relu", "prelu", "elu", "selu", "softplus", "swish", "silu", "gelu", "mish",
                "hard-sigmoid", "hard-swish");
        assertThat(plugin.components()).allSatisfy(f -> assertThat(f.kind()).isSameAs(ComponentKind.ACTIVATION));
    }

    @Test
    void familiesAreDeclaredForTheDiagnostics() {
        assertThat(Eval.activation("relu", Map.of(), DType.F64).family()).isEqualTo(Activation.Family.RECTIFYING);
        assertThat(Eval.activation("hard-sigmoid", Map.of(), DType.F64).family()).isEqualTo(Activation.Family.SATURATING);
        assertThat(Eval.activation("leaky-relu", Map.of(), DType.F64).family()).isEqualTo(Activation.Family.OTHER);
        assertThat(Eval.activation("leaky-relu", Map.of("negative-slope", 0.0), DType.F64).family())
                .isEqualTo(Activation.Family.RECTIFYING);
        assertThat(Eval.activation("gelu", Map.of(), DType.F64).family()).isEqualTo(Activation.Family.OTHER);
    }

    @Test
    void kinksAreWhereTheDerivativeJumps() {
        assertThat(Eval.activation("relu", Map.of(), DType.F64).kinks()).containsExactly(0.0);
        assertThat(Eval.activation("elu", Map.of(), DType.F64).kinks()).isEmpty();
        assertThat(Eval.activation("elu", Map.of("alpha", 0.5), DType.F64).kinks()).containsExactly(0.0);
        assertThat(Eval.activation("hard-swish", Map.of(), DType.F64).kinks()).containsExactly(-3.0, 3.0);
        assertThat(Eval.activation("softplus", Map.of("beta", 2.0, "threshold", 10.0), DType.F64).kinks()).containsExactly(5.0);
        assertThat(Eval.activation("gelu", Map.of(), DType.F64).kinks()).isEmpty();
        assertThat(Eval.activation("selu", Map.of(), DType.F64).maxDerivative()).isEqualTo(Selu.SCALE * Selu.ALPHA);
        assertThat(Eval.activation("hard-sigmoid", Map.of(), DType.F64).maxDerivative()).isEqualTo(1.0 / 6.0);
    }
}
