package io.gradlab.engine.spec;

import static io.gradlab.engine.spec.Specs.MINIMAL_YAML;
import static io.gradlab.engine.spec.Specs.json;
import static io.gradlab.engine.spec.Specs.minimalWith;
import static io.gradlab.engine.spec.Specs.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Every kind of spec error gives one SPEC message with the file, the place, what was expected and what was found. */
class SpecErrorsTest {

    @Test
    void malformedYamlSaysFileLineColumnAndTheShortReason() {
        String message = specError(() -> yaml(minimalWith("epochs: 3", "epochs: [3")));

        assertThat(message).startsWith("spec.yaml: line 8, column 13: malformed YAML: ")
                .contains("expected ',' or ']'")
                .doesNotContain("com.fasterxml", "Source:", "\n");
    }

    @Test
    void badIndentationIsMalformedYaml() {
        String message = specError(() -> yaml("name: x\ndata:\n  source: a\n validation: 3\n"));

        assertThat(message).startsWith("spec.yaml: line 4, column 2: malformed YAML: ").doesNotContain("\n");
    }

    @Test
    void malformedJsonSaysFileLineColumnAndTheShortReason() {
        String message = specError(() -> json("{\n  \"name\": \"x\",\n  \"data\": {\"source\": \"a\",}\n}"));

        assertThat(message).startsWith("spec.json: line 3, column ").contains("malformed JSON: ")
                .doesNotContain("com.fasterxml", "Source:", "\n");
    }

    @Test
    void truncatedJsonHasNoParserNoise() {
        String message = specError(() -> json("{\"name\": \"x\", \"data\": {"));

        assertThat(message).startsWith("spec.json: line 1, column ").contains("malformed JSON: ")
                .doesNotContain("Source:", "StreamReadConstraints", "\n");
    }

    @Test
    void aDuplicateKeyIsRejectedWithItsPosition() {
        String message = specError(() -> yaml(MINIMAL_YAML + "  epochs: 4\n"));

        assertThat(message).isEqualTo("spec.yaml: line 9, column 3: duplicate key 'epochs'; each key may appear once in a mapping");
    }

    @Test
    void twoSpellingsOfOneKeyAreRejected() {
        String message = specError(() -> yaml(MINIMAL_YAML + "  batch_size: 4\n"));

        assertThat(message).isEqualTo("spec.yaml: training: 'batch-size' and 'batch_size' are the same key; keep one");
    }

    @Test
    void aMissingRequiredKeySaysWhatIsExpected() {
        assertThat(specError(() -> yaml(MINIMAL_YAML.replace("  epochs: 3\n", ""))))
                .isEqualTo("spec.yaml: training.epochs: required key is missing (expected a whole number >= 1)");
        assertThat(specError(() -> yaml(MINIMAL_YAML.replace("name: tiny\n", ""))))
                .startsWith("spec.yaml: name: required key is missing (expected a name of");
        assertThat(specError(() -> yaml(minimalWith("architecture: mlp", "loss: mse"))))
                .isEqualTo("spec.yaml: model.architecture: required key is missing (expected an architecture id or {id: ..., <params>})");
    }

    @Test
    void aMissingSectionSaysWhatItNeeds() {
        String message = specError(() -> yaml("name: x\ndata: {source: a}\ntraining: {epochs: 1, batch-size: 1}\n"));

        assertThat(message).startsWith("spec.yaml: model: required section is missing; it needs the architecture");
    }

    @Test
    void aWrongTypeSaysThePathAndTheValueFound() {
        assertThat(specError(() -> yaml(minimalWith("epochs: 3", "epochs: ten"))))
                .isEqualTo("spec.yaml: training.epochs: expected a whole number >= 1, got \"ten\"");
        assertThat(specError(() -> yaml(minimalWith("epochs: 3", "epochs: 2.5"))))
                .isEqualTo("spec.yaml: training.epochs: expected a whole number >= 1, got 2.5");
        assertThat(specError(() -> yaml(MINIMAL_YAML + "  checkpoint: sometimes\n")))
                .isEqualTo("spec.yaml: training.checkpoint: expected true or false, got \"sometimes\"");
        assertThat(specError(() -> yaml(MINIMAL_YAML + "  dtype: f16\n")))
                .startsWith("spec.yaml: training.dtype: expected f32 or f64, got \"f16\"");
        assertThat(specError(() -> yaml(MINIMAL_YAML + "  seed: [1]\n")))
                .isEqualTo("spec.yaml: training.seed: expected a whole number, got a list");
        assertThat(specError(() -> yaml(minimalWith("name: tiny", "name: 2024"))))
                .contains("name: expected a name of").contains("got 2024").contains("quote it");
        assertThat(specError(() -> yaml(minimalWith("source: fashion-mnist", "source: 5"))))
                .isEqualTo("spec.yaml: data.source: expected a dataset id or {id: ..., <params>}, got 5");
        assertThat(specError(() -> yaml(MINIMAL_YAML + "diagnostics: dead-relu\n")))
                .startsWith("spec.yaml: diagnostics: expected a list of diagnostic components").contains("got \"dead-relu\"");
        assertThat(specError(() -> yaml(minimalWith("data:\n  source: fashion-mnist", "data: fashion-mnist"))))
                .isEqualTo("spec.yaml: data: expected a mapping with the keys source, validation, got \"fashion-mnist\"");
    }

    @Test
    void aBadComponentSaysThePath() {
        assertThat(specError(() -> yaml(MINIMAL_YAML + "  optimizer: {lr: 0.1}\n")))
                .isEqualTo("spec.yaml: training.optimizer: an optimizer component needs an 'id' (got the keys lr)");
        assertThat(specError(() -> yaml(MINIMAL_YAML + "  optimizer: Adam\n")))
                .startsWith("spec.yaml: training.optimizer: invalid component id 'Adam'");
        assertThat(specError(() -> yaml(MINIMAL_YAML + "  gradient-transforms: [clip-norm, {id: 3}]\n")))
                .isEqualTo("spec.yaml: training.gradient-transforms[1]: the component id must be text such as 'sgd', got 3");
        assertThat(specError(() -> yaml(MINIMAL_YAML + "  optimizer: {id: adam, weight_decay: 1, weight-decay: 2}\n")))
                .isEqualTo("spec.yaml: training.optimizer: 'weight_decay' and 'weight-decay' are the same parameter; keep one");
    }

    @Test
    void unknownKeysListTheValidKeysAndSuggestTheClosest() {
        assertThat(specError(() -> yaml(MINIMAL_YAML + "  epoch: 3\n")))
                .isEqualTo("spec.yaml: training: unknown key 'epoch' (did you mean 'epochs'?); valid keys: epochs, batch-size,"
                        + " optimizer, gradient-transforms, strategy, seed, dtype, threads, checkpoint, tensorboard, lr-schedule, callbacks,"
                        + " step-timeout");
        assertThat(specError(() -> yaml(MINIMAL_YAML + "trainig: {}\n")))
                .isEqualTo("spec.yaml: unknown top-level key 'trainig' (did you mean 'training'?);"
                        + " valid keys: name, description, data, model, training, diagnostics");
        assertThat(specError(() -> yaml(minimalWith("source: fashion-mnist", "source: fashion-mnist\n  valdation: 6"))))
                .isEqualTo("spec.yaml: data: unknown key 'valdation' (did you mean 'validation'?); valid keys: source, validation");
        assertThat(specError(() -> yaml(minimalWith("architecture: mlp", "architecture: mlp\n  optimizer: sgd"))))
                .isEqualTo("spec.yaml: model: unknown key 'optimizer'; valid keys: architecture, loss, weights");
    }

    @Test
    void outOfRangeNumbersAreRejected() {
        assertThat(specError(() -> yaml(minimalWith("epochs: 3", "epochs: -1"))))
                .isEqualTo("spec.yaml: training.epochs: expected a whole number >= 1, got -1");
        assertThat(specError(() -> yaml(minimalWith("epochs: 3", "epochs: 0"))))
                .isEqualTo("spec.yaml: training.epochs: expected a whole number >= 1, got 0");
        assertThat(specError(() -> yaml(minimalWith("batch-size: 32", "batch-size: -8"))))
                .isEqualTo("spec.yaml: training.batch-size: expected a whole number >= 1, got -8");
        assertThat(specError(() -> yaml(minimalWith("source: fashion-mnist", "source: fashion-mnist\n  validation: -5"))))
                .isEqualTo("spec.yaml: data.validation: expected a whole number >= 0, got -5");
        assertThat(specError(() -> yaml(minimalWith("epochs: 3", "epochs: 99999999999"))))
                .isEqualTo("spec.yaml: training.epochs: expected a whole number >= 1, got 99999999999 (at most 2147483647)");
        assertThat(specError(() -> yaml(MINIMAL_YAML + "  threads: 5000\n")))
                .isEqualTo("spec.yaml: training.threads: expected a whole number from 0 (automatic) to 1024, got 5000");
        assertThat(specError(() -> yaml(MINIMAL_YAML + "  seed: 123456789012345678901234567890\n")))
                .isEqualTo("spec.yaml: training.seed: expected a whole number, got 123456789012345678901234567890"
                        + " (it must fit in 64 bits)");
    }

    @Test
    void theNameMustBeSafeForAFolder() {
        assertThat(specError(() -> yaml(minimalWith("name: tiny", "name: my run"))))
                .startsWith("spec.yaml: name: expected a name of at most 128 letters, digits").endsWith("got \"my run\"");
        assertThat(specError(() -> yaml(minimalWith("name: tiny", "name: ..")))).contains("got \"..\"");
        assertThat(specError(() -> yaml(minimalWith("name: tiny", "name: a/b")))).contains("got \"a/b\"");
    }

    @Test
    void aDocumentThatIsNotAMappingIsRejected() {
        assertThat(specError(() -> yaml("- a\n- b\n")))
                .isEqualTo("spec.yaml: a spec must be a mapping with the sections name, data, model and training, got a list");
        assertThat(specError(() -> yaml("just text\n")))
                .isEqualTo("spec.yaml: a spec must be a mapping with the sections name, data, model and training, got \"just text\"");
        assertThat(specError(() -> json("[1, 2]"))).startsWith("spec.json: a spec must be a mapping");
        assertThat(specError(() -> yaml("# only a comment\n")))
                .isEqualTo("spec.yaml: the spec is empty; it needs the sections name, data, model and training");
    }

    @Test
    void moreThanOneDocumentIsRejected() {
        assertThat(specError(() -> yaml(MINIMAL_YAML + "---\n" + MINIMAL_YAML)))
                .contains("spec.yaml: line ").contains("more than one YAML document");
        assertThat(specError(() -> json("{} {}"))).contains("unexpected content after the end of the JSON value");
    }

    @Test
    void anUnknownYamlAliasIsRejected() {
        assertThat(specError(() -> yaml(MINIMAL_YAML + "diagnostics: [*nothing]\n")))
                .contains("unknown YAML alias '*nothing'");
    }

    @Test
    void recordsRejectInvalidValuesBuiltInCode() {
        assertThatThrownBy(() -> TrainingSpec.of(0, 1)).isInstanceOf(GradlabException.class).hasMessageContaining("training.epochs");
        assertThatThrownBy(() -> TrainingSpec.of(1, 0)).isInstanceOf(GradlabException.class).hasMessageContaining("training.batch-size");
        assertThatThrownBy(() -> new DataSpec(io.gradlab.api.ComponentSpec.of("a"), -1))
                .isInstanceOf(GradlabException.class).hasMessageContaining("data.validation");
        ExperimentSpec ok = yaml(MINIMAL_YAML);
        assertThatThrownBy(() -> new ExperimentSpec("../up", "", ok.data(), ok.model(), ok.training(), ok.diagnostics(), ok.baseDir()))
                .isInstanceOf(GradlabException.class).hasMessageContaining("got \"../up\"");
    }

    private static String specError(ThrowingCallable call) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(GradlabException.class);
        GradlabException e = (GradlabException) thrown;
        assertThat(e.category()).as(e.getMessage()).isEqualTo(Category.SPEC);
        return e.getMessage();
    }
}
