package io.gradlab.engine.spec;

import static io.gradlab.engine.spec.Specs.FULL_YAML;
import static io.gradlab.engine.spec.Specs.MINIMAL_YAML;
import static io.gradlab.engine.spec.Specs.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class SpecOverridesTest {

    @Test
    void setsScalarsAtFixedLevels() {
        ExperimentSpec spec = yaml(FULL_YAML, "training.epochs=3", "training.batch_size=16", "name=quick",
                "training.dtype=f32", "training.checkpoint=true", "data.validation=0");

        assertThat(spec.training().epochs()).isEqualTo(3);
        assertThat(spec.training().batchSize()).isEqualTo(16);
        assertThat(spec.name()).isEqualTo("quick");
        assertThat(spec.training().checkpoint()).isTrue();
        assertThat(spec.data().validation()).isZero();
    }

    @Test
    void setsAComponentParameterAndKeepsTheOthers() {
        ExperimentSpec spec = yaml(FULL_YAML, "training.optimizer.lr=0.1", "model.architecture.activation=relu");

        assertThat(spec.training().optimizer()).isEqualTo(ComponentSpec.of("sgd", Map.of("lr", 0.1)));
        assertThat(spec.model().architecture().params())
                .containsEntry("activation", "relu")
                .containsEntry("init", "pytorch-default");
    }

    @Test
    void setsAListValue() {
        ExperimentSpec spec = yaml(FULL_YAML, "model.architecture.hidden=[64, 64]");

        assertThat(spec.model().architecture().params()).containsEntry("hidden", List.of(64, 64));
    }

    @Test
    void promotesAComponentWrittenAsAPlainIdToAMapping() {
        ExperimentSpec spec = yaml(MINIMAL_YAML + "  optimizer: sgd\n", "training.optimizer.lr=0.1");

        assertThat(spec.training().optimizer()).isEqualTo(ComponentSpec.of("sgd", Map.of("lr", 0.1)));
    }

    @Test
    void promotesANestedComponentInsideAComponent() {
        ExperimentSpec spec = yaml(MINIMAL_YAML.replace("architecture: mlp", "architecture: {id: mlp, activation: leaky-relu}"),
                "model.architecture.activation.negative-slope=0.2");

        assertThat(spec.model().architecture().params().get("activation"))
                .isEqualTo(Map.of("id", "leaky-relu", "negative-slope", 0.2));
    }

    @Test
    void aParameterOfAnAbsentComponentStartsFromItsDefaultId() {
        ExperimentSpec spec = yaml(MINIMAL_YAML, "training.optimizer.lr=0.5", "model.loss.label-smoothing=0.1");

        assertThat(spec.training().optimizer()).isEqualTo(ComponentSpec.of("sgd", Map.of("lr", 0.5)));
        assertThat(spec.model().loss()).isEqualTo(ComponentSpec.of("softmax-cross-entropy", Map.of("label-smoothing", 0.1)));
    }

    @Test
    void replacesAWholeComponentWithAFlowMapping() {
        ExperimentSpec spec = yaml(FULL_YAML, "training.optimizer={id: adam, lr: 0.001}");

        assertThat(spec.training().optimizer()).isEqualTo(ComponentSpec.of("adam", Map.of("lr", 0.001)));
    }

    @Test
    void changesTheIdAndKeepsTheParameters() {
        ExperimentSpec spec = yaml(FULL_YAML, "training.optimizer.id=momentum");

        assertThat(spec.training().optimizer()).isEqualTo(ComponentSpec.of("momentum", Map.of("lr", 0.01)));
    }

    @Test
    void indexesAndAppendsToComponentLists() {
        ExperimentSpec spec = yaml(FULL_YAML, "training.gradient-transforms.0.threshold=5", "diagnostics.1=saturation",
                "training.gradient-transforms.1=grad-norm");

        assertThat(spec.training().gradientTransforms()).containsExactly(
                ComponentSpec.of("clip-norm", Map.of("threshold", 5)), ComponentSpec.of("grad-norm"));
        assertThat(spec.diagnostics()).containsExactly(ComponentSpec.of("dead-relu"), ComponentSpec.of("saturation"));
    }

    @Test
    void createsAMissingSectionAndLaterOverridesWin() {
        ExperimentSpec spec = yaml(MINIMAL_YAML, "diagnostics=[a, b]", "diagnostics.0=c", "training.seed=1", "training.seed=2");

        assertThat(spec.diagnostics()).containsExactly(ComponentSpec.of("c"), ComponentSpec.of("b"));
        assertThat(spec.training().seed()).isEqualTo(2L);
    }

    @Test
    void replacesAKeyWrittenWithUnderscoresInPlace() {
        ExperimentSpec spec = yaml(Specs.minimalWith("batch-size: 32", "batch_size: 32"), "training.batch-size=8");

        assertThat(spec.training().batchSize()).isEqualTo(8);
    }

    @Test
    void anEmptyValueMeansTheDefault() {
        assertThat(yaml(FULL_YAML, "training.seed=").training().seed()).isEqualTo(TrainingSpec.DEFAULT_SEED);
    }

    @Test
    void anOverrideWithoutEqualsIsAUsageError() {
        assertUsage(() -> yaml(FULL_YAML, "foo"), "--set foo", "expected key=value", "training.epochs=3");
        assertUsage(() -> yaml(FULL_YAML, "=3"), "key before '=' is empty");
        assertUsage(() -> yaml(FULL_YAML, "training..epochs=3"), "not a dotted path");
    }

    @Test
    void anUnknownTopLevelSectionIsAUsageErrorWithSuggestions() {
        assertUsage(() -> yaml(FULL_YAML, "trainig.epochs=3"),
                "unknown section 'trainig'", "did you mean 'training'?", "valid: name, description, data, model, training, diagnostics");
    }

    @Test
    void anUnknownFixedKeyIsAUsageErrorWithSuggestions() {
        assertUsage(() -> yaml(FULL_YAML, "training.epoch=3"),
                "'training' has no key 'epoch'", "did you mean 'epochs'?", "valid: epochs, batch-size");
    }

    @Test
    void aKeyBelowASingleValueIsAUsageError() {
        assertUsage(() -> yaml(FULL_YAML, "training.epochs.max=3"), "'training.epochs' is a single value");
        assertUsage(() -> yaml(FULL_YAML, "training.optimizer.lr.x=3"), "'training.optimizer.lr' is 0.01");
    }

    @Test
    void aBadListIndexIsAUsageError() {
        assertUsage(() -> yaml(FULL_YAML, "diagnostics.5=x"), "index 5 is past the end of 'diagnostics'", "1 element(s)");
        assertUsage(() -> yaml(FULL_YAML, "diagnostics.first=x"), "'diagnostics' is a list; expected an index");
    }

    @Test
    void aValueThatIsNotYamlIsAUsageError() {
        assertUsage(() -> yaml(FULL_YAML, "model.architecture.hidden=[64, 64"), "--set model.architecture.hidden=[64, 64",
                "the value is not valid YAML: ");
    }

    @Test
    void aBadOverriddenValueIsASpecErrorThatNamesTheOverride() {
        assertThatThrownBy(() -> yaml(FULL_YAML, "training.epochs=ten"))
                .isInstanceOfSatisfying(GradlabException.class, e -> {
                    assertThat(e.category()).isEqualTo(Category.SPEC);
                    assertThat(e.getMessage()).isEqualTo(
                            "spec.yaml: training.epochs: expected a whole number >= 1, got \"ten\" (from --set training.epochs=ten)");
                });
    }

    private static void assertUsage(ThrowingCallable call, String... parts) {
        assertThatThrownBy(call).isInstanceOfSatisfying(GradlabException.class, e -> {
            assertThat(e.category()).isEqualTo(Category.USAGE);
            assertThat(e.getMessage()).contains(parts);
        });
    }
}
