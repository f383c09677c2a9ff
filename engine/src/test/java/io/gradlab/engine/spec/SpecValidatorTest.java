package io.gradlab.engine.spec;

import static io.gradlab.engine.spec.Specs.FULL_YAML;
import static io.gradlab.engine.spec.Specs.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecValidatorTest {

    /** Records every call and fills one default parameter, {@code checked: true}. */
    private static final class RecordingResolver implements ComponentResolver {
        final List<String> calls = new ArrayList<>();

        @Override
        public ComponentSpec resolve(ComponentKind<?> kind, ComponentSpec spec, String where) {
            calls.add(kind + " " + spec.id() + " @ " + where);
            return spec.with("checked", true);
        }
    }

    @Test
    void resolvesEveryComponentWithItsKindAndPlace() {
        RecordingResolver resolver = new RecordingResolver();

        SpecValidator.resolve(yaml(FULL_YAML, "diagnostics=[dead-relu, saturation]"), resolver);

        assertThat(resolver.calls).containsExactly(
                "DATASET fashion-mnist @ data.source",
                "ARCHITECTURE mlp @ model.architecture",
                "LOSS softmax-cross-entropy @ model.loss",
                "OPTIMIZER sgd @ training.optimizer",
                "GRADIENT_TRANSFORM clip-norm @ training.gradient-transforms[0]",
                "TRAINING_STRATEGY standard @ training.strategy",
                "DIAGNOSTIC dead-relu @ diagnostics[0]",
                "DIAGNOSTIC saturation @ diagnostics[1]");
    }

    @Test
    void returnsTheSpecWithTheResolvedComponentsAndEverythingElseKept() {
        ExperimentSpec spec = yaml(FULL_YAML);

        ExperimentSpec resolved = SpecValidator.resolve(spec, new RecordingResolver());

        assertThat(resolved.training().optimizer()).isEqualTo(ComponentSpec.of("sgd", Map.of("lr", 0.01, "checked", true)));
        assertThat(resolved.model().loss().params()).containsEntry("checked", true);
        assertThat(resolved.data().source().params()).containsEntry("checked", true);
        assertThat(resolved.diagnostics()).allSatisfy(d -> assertThat(d.params()).containsEntry("checked", true));
        assertThat(resolved.training().gradientTransforms()).allSatisfy(d -> assertThat(d.params()).containsEntry("checked", true));
        assertThat(resolved.training().strategy().params()).containsEntry("checked", true);
        assertThat(resolved.name()).isEqualTo(spec.name());
        assertThat(resolved.description()).isEqualTo(spec.description());
        assertThat(resolved.baseDir()).isEqualTo(spec.baseDir());
        assertThat(resolved.data().validation()).isEqualTo(spec.data().validation());
        assertThat(resolved.training().epochs()).isEqualTo(spec.training().epochs());
        assertThat(resolved.training().seed()).isEqualTo(spec.training().seed());
        assertThat(resolved.training().dtype()).isEqualTo(spec.training().dtype());
        assertThat(resolved.training().checkpoint()).isEqualTo(spec.training().checkpoint());
    }

    @Test
    void aResolvedSpecRoundTripsThroughTheWriterAndResolvesToItself() {
        ExperimentSpec resolved = SpecValidator.resolve(yaml(FULL_YAML), (kind, spec, where) -> spec.with("scale", 1.0));

        ExperimentSpec again = SpecValidator.resolve(yaml(SpecWriter.toYaml(resolved)), (kind, spec, where) -> spec.with("scale", 1.0));

        assertThat(again).isEqualTo(resolved);
    }

    @Test
    void theResolversErrorPassesThroughUnchanged() {
        ComponentResolver unknownOptimizer = (kind, spec, where) -> {
            if (kind == ComponentKind.OPTIMIZER) {
                throw new GradlabException(Category.COMPONENT, "unknown optimizer 'sdg' at " + where + " (did you mean 'sgd'?)");
            }
            return spec;
        };

        assertThatThrownBy(() -> SpecValidator.resolve(yaml(FULL_YAML, "training.optimizer=sdg"), unknownOptimizer))
                .isInstanceOfSatisfying(GradlabException.class, e -> {
                    assertThat(e.category()).isEqualTo(Category.COMPONENT);
                    assertThat(e.getMessage()).isEqualTo("unknown optimizer 'sdg' at training.optimizer (did you mean 'sgd'?)");
                });
    }

    @Test
    void aResolverReturningNullIsABug() {
        assertThatThrownBy(() -> SpecValidator.resolve(yaml(FULL_YAML), (kind, spec, where) -> null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("data.source");
    }
}
