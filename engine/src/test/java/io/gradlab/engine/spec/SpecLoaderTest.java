package io.gradlab.engine.spec;

import static io.gradlab.engine.spec.Specs.BASE;
import static io.gradlab.engine.spec.Specs.FULL_JSON;
import static io.gradlab.engine.spec.Specs.FULL_YAML;
import static io.gradlab.engine.spec.Specs.MINIMAL_YAML;
import static io.gradlab.engine.spec.Specs.json;
import static io.gradlab.engine.spec.Specs.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.tensor.DType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecLoaderTest {

    @Test
    void readsEverySettingOfAFullYamlSpec() {
        ExperimentSpec spec = yaml(FULL_YAML);

        assertThat(spec.name()).isEqualTo("m05-baseline");
        assertThat(spec.description()).isEqualTo("deep sigmoid MLP, the baseline");
        assertThat(spec.data()).isEqualTo(new DataSpec(ComponentSpec.of("fashion-mnist"), 6000));
        assertThat(spec.model().architecture().id().value()).isEqualTo("mlp");
        assertThat(spec.model().architecture().params()).containsExactly(
                Map.entry("hidden", List.of(128, 128, 128, 128, 128, 128, 128)),
                Map.entry("activation", "sigmoid"),
                Map.entry("init", "pytorch-default"));
        assertThat(spec.model().loss()).isEqualTo(ComponentSpec.of("softmax-cross-entropy"));
        TrainingSpec t = spec.training();
        assertThat(t.epochs()).isEqualTo(100);
        assertThat(t.batchSize()).isEqualTo(512);
        assertThat(t.optimizer()).isEqualTo(ComponentSpec.of("sgd", Map.of("lr", 0.01)));
        assertThat(t.gradientTransforms()).containsExactly(ComponentSpec.of("clip-norm", Map.of("threshold", 1.0)));
        assertThat(t.strategy()).isEqualTo(ComponentSpec.of("standard"));
        assertThat(t.seed()).isEqualTo(7L);
        assertThat(t.dtype()).isEqualTo(DType.F64);
        assertThat(t.threads()).isEqualTo(2);
        assertThat(t.checkpoint()).isFalse();
        assertThat(spec.diagnostics()).containsExactly(ComponentSpec.of("dead-relu"));
        assertThat(spec.baseDir()).isEqualTo(BASE);
    }

    @Test
    void yamlAndJsonOfTheSameSpecGiveEqualRecords() {
        assertThat(json(FULL_JSON)).isEqualTo(yaml(FULL_YAML));
    }

    @Test
    void fillsTheFixedDefaults() {
        ExperimentSpec spec = yaml(MINIMAL_YAML);

        assertThat(spec.description()).isEmpty();
        assertThat(spec.data().validation()).isZero();
        assertThat(spec.model().architecture()).isEqualTo(ComponentSpec.of("mlp"));
        assertThat(spec.model().loss()).isEqualTo(ComponentSpec.of(ModelSpec.DEFAULT_LOSS));
        assertThat(spec.training()).isEqualTo(TrainingSpec.of(3, 32));
        assertThat(spec.training().optimizer()).isEqualTo(ComponentSpec.of("sgd"));
        assertThat(spec.training().strategy()).isEqualTo(ComponentSpec.of("standard"));
        assertThat(spec.training().seed()).isEqualTo(42L);
        assertThat(spec.training().dtype()).isEqualTo(DType.F32);
        assertThat(spec.training().threads()).isZero();
        assertThat(spec.training().checkpoint()).isTrue();
        assertThat(spec.training().gradientTransforms()).isEmpty();
        assertThat(spec.diagnostics()).isEmpty();
    }

    @Test
    void nullValuesMeanTheDefault() {
        ExperimentSpec spec = yaml(MINIMAL_YAML + "  seed: ~\n  optimizer:\ndescription:\ndiagnostics: null\n");

        assertThat(spec.training().seed()).isEqualTo(TrainingSpec.DEFAULT_SEED);
        assertThat(spec.training().optimizer()).isEqualTo(ComponentSpec.of("sgd"));
        assertThat(spec.description()).isEmpty();
        assertThat(spec.diagnostics()).isEmpty();
    }

    @Test
    void keysMayUseUnderscoresOrDashesAtEveryLevel() {
        ExperimentSpec dashes = yaml(MINIMAL_YAML + "  optimizer: {id: adam, weight-decay: 0.1}\n");
        ExperimentSpec underscores = yaml(MINIMAL_YAML.replace("batch-size", "batch_size")
                + "  optimizer: {id: adam, weight_decay: 0.1}\n");

        assertThat(underscores).isEqualTo(dashes);
        assertThat(dashes.training().optimizer().params()).containsEntry("weight-decay", 0.1);
    }

    @Test
    void nestedComponentParametersAreNormalisedAndUnmodifiable() {
        ExperimentSpec spec = yaml(MINIMAL_YAML.replace("architecture: mlp",
                "architecture: {id: mlp, activation: {id: leaky-relu, negative_slope: 0.1}, hidden: [4]}"));

        Object activation = spec.model().architecture().params().get("activation");
        assertThat(activation).isEqualTo(Map.of("id", "leaky-relu", "negative-slope", 0.1));
        @SuppressWarnings("unchecked")
        List<Object> hidden = (List<Object>) spec.model().architecture().params().get("hidden");
        assertThatThrownBy(() -> hidden.add(5)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void wholeNumbersWrittenAsIntegralDecimalsAreAccepted() {
        assertThat(yaml(Specs.minimalWith("epochs: 3", "epochs: 3.0")).training().epochs()).isEqualTo(3);
    }

    @Test
    void dtypeIsCaseInsensitive() {
        assertThat(yaml(MINIMAL_YAML + "  dtype: F64\n").training().dtype()).isEqualTo(DType.F64);
    }

    @Test
    void yamlAnchorsAliasesAndMergeKeysWork() {
        ExperimentSpec spec = yaml("""
                name: anchors
                data: {source: fashion-mnist}
                model:
                  architecture: &arch {id: mlp, hidden: [8, 8], activation: relu}
                training:
                  epochs: 1
                  batch-size: 8
                  optimizer:
                    <<: {id: adam, lr: 0.001}
                    lr: 0.01
                diagnostics: [*arch]
                """);

        assertThat(spec.training().optimizer()).isEqualTo(ComponentSpec.of("adam", Map.of("lr", 0.01)));
        assertThat(spec.diagnostics().get(0)).isEqualTo(spec.model().architecture());
    }

    @Test
    void loadsAFileAndResolvesRelativePathsAgainstItsFolder(@TempDir Path dir) throws Exception {
        Path yamlFile = dir.resolve("exp.yaml");
        Files.writeString(yamlFile, "\uFEFF" + FULL_YAML, StandardCharsets.UTF_8);
        Path jsonFile = dir.resolve("exp.json");
        Files.writeString(jsonFile, FULL_JSON, StandardCharsets.UTF_8);

        ExperimentSpec fromYaml = SpecLoader.load(yamlFile, List.of());
        ExperimentSpec fromJson = SpecLoader.load(jsonFile, List.of());

        assertThat(fromYaml).isEqualTo(fromJson);
        assertThat(fromYaml.baseDir()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(fromYaml.resolvePath("data/idx")).isEqualTo(dir.toAbsolutePath().normalize().resolve("data/idx"));
    }

    @Test
    void aMissingFileIsAnIoErrorNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");

        assertThatThrownBy(() -> SpecLoader.load(missing, List.of()))
                .isInstanceOfSatisfying(GradlabException.class, e -> {
                    assertThat(e.category()).isEqualTo(GradlabException.Category.IO);
                    assertThat(e.getMessage()).contains("nope.yaml").contains("not found");
                });
    }

    @Test
    void aFileThatIsNotUtf8IsRejected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, "name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> SpecLoader.load(file, List.of()))
                .isInstanceOfSatisfying(GradlabException.class, e -> {
                    assertThat(e.category()).isEqualTo(GradlabException.Category.SPEC);
                    assertThat(e.getMessage()).contains("latin1.yaml").contains("UTF-8");
                });
    }
}
