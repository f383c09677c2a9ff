package io.gradlab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.ComponentFactory.CreateContext;
import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComponentFactoryTest {
    private static final class Cube extends ElementwiseActivation {
        @Override
        protected Expr function(Expr x) {
            return x.square().mul(x);
        }

        @Override
        protected Expr derivative(Expr x, Expr y) {
            return x.square().mul(3);
        }
    }

    @Test
    void aLambdaFactoryAnswersItsMetadataWithoutCreatingAnything() {
        int[] created = {0};
        ComponentFactory<Activation> cube = ComponentFactory.of(ComponentKind.ACTIVATION, "cube", "x^3",
                List.of(ParameterSpec.real("scale", 1.0, "output scale")), p -> {
                    created[0]++;
                    return new Cube();
                });

        assertThat(cube.kind()).isSameAs(ComponentKind.ACTIVATION);
        assertThat(cube.kind().type()).isEqualTo(Activation.class);
        assertThat(cube.id()).isEqualTo(ComponentId.of("cube"));
        assertThat(cube.description()).isEqualTo("x^3");
        assertThat(cube.parameters()).extracting(ParameterSpec::name).containsExactly("scale");
        assertThat(cube.version()).isEqualTo("dev");
        assertThat(created[0]).isZero();

        Activation made = cube.create(ParamsValidator.validate(cube, Map.of(), "test"), CreateContext.of("test"));
        assertThat(made).isInstanceOf(Cube.class);
        assertThat(created[0]).isOne();
    }

    @Test
    void aLayerFactoryNamesItsLayerFromTheContext() {
        ComponentFactory<Layer> factory = ComponentFactory.of(ComponentKind.LAYER, "named", "a layer named by the host", List.of(),
                (p, context) -> new AbstractLayer(context.name(), "named") {
                    @Override
                    protected int onBuild(int inputWidth, BuildContext ctx) {
                        return inputWidth;
                    }

                    @Override
                    protected void updateOutput(Tensor input, Tensor output, Mode mode) {}

                    @Override
                    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {}
                });

        Layer layer = factory.create(ParamsValidator.validate(factory, Map.of(), "test"), CreateContext.of("hidden3"));

        assertThat(layer.name()).isEqualTo("hidden3");
    }

    @Test
    void idsAreValidated() {
        assertThatThrownBy(() -> ComponentFactory.of(ComponentKind.LOSS, "Bad Id", "x", List.of(), p -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid component id 'Bad Id'");
    }

    @Test
    void asNarrowsToTheFactorysOwnKindOnly() {
        ComponentFactory<?> any = ComponentFactory.of(ComponentKind.ACTIVATION, "cube", "x^3", List.of(), p -> new Cube());

        ComponentFactory<Activation> typed = any.as(ComponentKind.ACTIVATION);

        assertThat(typed).isSameAs(any);
        assertThatThrownBy(() -> any.as(ComponentKind.LAYER))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("activation factory 'cube' is not a layer factory");
    }

    @Test
    void aContextGivesOnlyWhatItsKindNeeds() {
        CreateContext named = CreateContext.of("model.loss");

        assertThat(named.name()).isEqualTo("model.loss");
        assertThatThrownBy(named::modelBuilder).isInstanceOf(IllegalStateException.class)
                .hasMessage("'model.loss' got no model builder: only architectures are given one");
        assertThatThrownBy(named::data).isInstanceOf(IllegalStateException.class)
                .hasMessage("'model.loss' got no data context: only datasets are given one");
    }

    @Test
    void kindsHaveLabelsPluralsAndParseBack() {
        assertThat(ComponentKind.values()).hasSize(13).doesNotHaveDuplicates();
        assertThat(ComponentKind.LR_SCHEDULE.plural()).isEqualTo("lr-schedules");
        assertThat(ComponentKind.CALLBACK.label()).isEqualTo("callback");
        assertThat(ComponentKind.GRADIENT_TRANSFORM.label()).isEqualTo("gradient-transform");
        assertThat(ComponentKind.LOSS.plural()).isEqualTo("losses");
        assertThat(ComponentKind.TRAINING_STRATEGY.plural()).isEqualTo("training-strategies");
        for (ComponentKind<?> kind : ComponentKind.values()) {
            assertThat(ComponentKind.fromLabel(kind.label())).isSameAs(kind);
            assertThat(ComponentKind.fromLabel(kind.plural())).isSameAs(kind);
            assertThat(ComponentKind.fromLabel(kind.name())).isSameAs(kind);
        }
        assertThatThrownBy(() -> ComponentKind.fromLabel("widget")).hasMessage("unknown component kind 'widget'");
    }
}
