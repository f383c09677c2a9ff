package io.gradlab.engine.spec;

import static io.gradlab.engine.spec.Specs.BASE;
import static io.gradlab.engine.spec.Specs.FULL_YAML;
import static io.gradlab.engine.spec.Specs.MINIMAL_YAML;
import static io.gradlab.engine.spec.Specs.json;
import static io.gradlab.engine.spec.Specs.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.tensor.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpecWriterTest {

    @Test
    void yamlRoundTripsThroughTheLoader() {
        ExperimentSpec spec = yaml(FULL_YAML);

        assertThat(yaml(SpecWriter.toYaml(spec))).isEqualTo(spec);
    }

    @Test
    void jsonRoundTripsThroughTheLoader() {
        ExperimentSpec spec = yaml(FULL_YAML);

        assertThat(json(SpecWriter.toJson(spec))).isEqualTo(spec);
    }

    @Test
    void theDefaultsAreWrittenOut() {
        String text = SpecWriter.toYaml(yaml(MINIMAL_YAML));

        assertThat(text).contains("loss: softmax-cross-entropy", "optimizer: sgd", "strategy: standard", "seed: 42",
                "dtype: f32", "threads: 0", "checkpoint: true", "validation: 0", "batch-size: 32")
                .doesNotContain("description", "---");
        assertThat(yaml(text)).isEqualTo(yaml(MINIMAL_YAML));
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "no", "null", "~", "123", "1.5", "0x1F", "a: b", "#hash", "- dash", "[x]", "{y}",
            "line one\nline two\n", " padded ", "quote \" and 'single'", "*star", "&amp", "", "caf\u00e9 \u2713", "@at", "%pct", "`tick`"})
    void trickyTextRoundTrips(String text) {
        ExperimentSpec base = yaml(MINIMAL_YAML);
        ExperimentSpec spec = new ExperimentSpec(base.name(), text, base.data(),
                new ModelSpec(ComponentSpec.of("mlp", Map.of("note", text, "hidden", List.of(1, 2))), base.model().loss()),
                base.training(), base.diagnostics(), BASE);

        assertThat(yaml(SpecWriter.toYaml(spec))).isEqualTo(spec);
        assertThat(json(SpecWriter.toJson(spec))).isEqualTo(spec);
    }

    @Test
    void resolvedSpecsWithNestedComponentValuesAreWrittenAsPlainComponents() {
        ExperimentSpec base = yaml(MINIMAL_YAML);
        ComponentSpec architecture = ComponentSpec.of("mlp", Map.of(
                "activation", ComponentSpec.of("leaky-relu", Map.of("negative-slope", 0.1)),
                "init", ComponentSpec.of("he-normal"),
                "hidden", List.of(8, 8)));
        ExperimentSpec spec = new ExperimentSpec(base.name(), "", base.data(), new ModelSpec(architecture, base.model().loss()),
                new TrainingSpec(2, 4, ComponentSpec.of("adam", Map.of("lr", 1e-3, "amsgrad", true)), List.of(ComponentSpec.of("clip-norm")),
                        ComponentSpec.of("standard"), -5L, DType.F64, 1, false),
                List.of(ComponentSpec.of("saturation", Map.of("threshold", 0.99))), BASE);

        ExperimentSpec read = yaml(SpecWriter.toYaml(spec));

        assertThat(read.model().architecture().params()).containsEntry("activation", Map.of("id", "leaky-relu", "negative-slope", 0.1))
                .containsEntry("init", "he-normal").containsEntry("hidden", List.of(8, 8));
        assertThat(read.training()).isEqualTo(spec.training());
        assertThat(read.diagnostics()).isEqualTo(spec.diagnostics());
        assertThat(json(SpecWriter.toJson(spec)).training()).isEqualTo(spec.training());
    }
}
