package io.gradlab.plugins.remedies;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.ApiVersion;
import io.gradlab.api.ComponentFactory;
import io.gradlab.api.GradlabPlugin;
import io.gradlab.api.ParamsValidator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class RemediesPluginTest {
    @Test
    void serviceLoaderFindsThePluginWithTheCurrentApiVersion() {
        List<GradlabPlugin> plugins = ServiceLoader.load(GradlabPlugin.class).stream().map(ServiceLoader.Provider::get).toList();
        assertThat(plugins).hasAtLeastOneElementOfType(RemediesPlugin.class);
        assertThat(new RemediesPlugin().apiVersion()).isEqualTo(ApiVersion.CURRENT);
    }

    @Test
    void everyComponentHasAUniqueIdNotClashingWithTheEngineAndValidDefaults() {
        RemediesPlugin p = new RemediesPlugin();
        List<ComponentFactory<?>> all = p.components();
        List<String> ids = all.stream().map(f -> f.kind() + ":" + f.id().value()).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(all).extracting(f -> f.id().value())
                .doesNotContain("normal", "uniform", "pytorch-default", "sgd", "mlp", "dense", "standard", "mse", "softmax-cross-entropy")
                .contains("zeros", "constant", "xavier-normal", "xavier-uniform", "he-normal", "he-uniform", "lecun-normal", "orthogonal",
                        "batch-norm", "layer-norm", "custom-norm", "grad-norm", "skip-mlp", "adam", "adamw", "rmsprop", "adagrad",
                        "clip-norm", "clip-value", "layer-renorm", "layerwise", "bce-with-logits", "synthetic");
        for (ComponentFactory f : all) {
            assertThat(f.description()).isNotBlank();
            ParamsValidator.validate(f, Map.of(), "test");
        }
    }
}
