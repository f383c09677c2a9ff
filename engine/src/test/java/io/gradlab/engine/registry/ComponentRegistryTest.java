package io.gradlab.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentId;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.Params;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.nn.ModelBuilder;
import io.gradlab.api.tensor.Expr;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ComponentRegistryTest {
    private static final PluginSource BUILTIN = new PluginSource("engine", null, "io.gradlab.engine.builtin.BuiltinPlugin");
    private static final PluginSource JAR = new PluginSource("extra.jar", java.nio.file.Path.of("/plugins/extra.jar"), "x.Extra");

    private final Layer architectureResult = mock(Layer.class);
    private final AtomicReference<ModelBuilder> seenBuilder = new AtomicReference<>();
    private final ComponentRegistry registry = ComponentRegistry.of(List.of(
            component(architecture()),
            component(activation("tanh", List.of())),
            component(activation("relu", List.of())),
            component(activation("sigmoid", List.of())),
            component(activation("elu", List.of(ParameterSpec.real("alpha", 1.0, "negative saturation").rangeExclusiveMin(0, 10)))),
            component(loss("mse"))));

    @Test
    void listsComponentsSortedByKindThenId() {
        assertThat(registry.components()).extracting(c -> c.kind() + ":" + c.id())
                .containsExactly("ACTIVATION:elu", "ACTIVATION:relu", "ACTIVATION:sigmoid", "ACTIVATION:tanh",
                        "ARCHITECTURE:mlp", "LOSS:mse");
        assertThat(registry.components(ComponentKind.LOSS)).extracting(RegisteredComponent::id).containsExactly(ComponentId.of("mse"));
        assertThat(registry.components(ComponentKind.OPTIMIZER)).isEmpty();
        assertThat(registry.problems()).isEmpty();
    }

    @Test
    void findsByKindAndId() {
        assertThat(registry.find(ComponentKind.ACTIVATION, ComponentId.of("relu"))).hasValueSatisfying(c -> {
            assertThat(c.source()).isEqualTo(BUILTIN);
            assertThat(c.description()).isEqualTo("test relu");
            assertThat(c.version()).isEqualTo("dev");
        });
        assertThat(registry.find(ComponentKind.LOSS, ComponentId.of("relu"))).isEmpty();
    }

    @Test
    void unknownIdSuggestsTheClosestAndListsTheKnownOnes() {
        assertThatThrownBy(() -> registry.factory(ComponentKind.ACTIVATION, ComponentId.of("rleu")))
                .isInstanceOfSatisfying(GradlabException.class, e -> assertThat(e.category()).isEqualTo(Category.COMPONENT))
                .hasMessage("unknown activation 'rleu' (did you mean 'relu'?); known activations: elu, relu, sigmoid, tanh");
    }

    @Test
    void unknownIdInASpecSaysWhere() {
        assertThatThrownBy(() -> registry.loss(ComponentSpec.of("mae"), "training.loss"))
                .hasMessage("unknown loss 'mae' at training.loss (did you mean 'mse'?); known losses: mse");
    }

    @Test
    void unknownIdOfAKindWithNothingInstalledSaysSo() {
        assertThatThrownBy(() -> registry.optimizer(ComponentSpec.of("adam"), "training.optimizer"))
                .hasMessageStartingWith("unknown optimizer 'adam' at training.optimizer; no optimizers are installed");
    }

    @Test
    void factoryIsTypedByItsKind() {
        ComponentFactory<Activation> relu = registry.factory(ComponentKind.ACTIVATION, ComponentId.of("relu"));

        assertThat(relu.kind()).isSameAs(ComponentKind.ACTIVATION);
        assertThatThrownBy(() -> registry.factory(ComponentKind.LOSS, ComponentId.of("relu")))
                .hasMessageStartingWith("unknown loss 'relu'");
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"}) // a plugin compiled with raw types can make anything
    void aFactoryMakingSomethingOfAnotherTypeIsAPluginError() {
        ComponentFactory lying = ComponentFactory.of((ComponentKind) ComponentKind.LOSS, "lying", "makes an activation", List.of(),
                p -> new Elu(1.0));
        ComponentRegistry withLiar = ComponentRegistry.of(List.of(component((ComponentFactory<?>) lying)));

        assertThatThrownBy(() -> withLiar.loss(ComponentSpec.of("lying"), "model.loss"))
                .isInstanceOfSatisfying(GradlabException.class, e -> assertThat(e.category()).isEqualTo(Category.PLUGIN))
                .hasMessageContainingAll("loss 'lying' from classpath module engine at model.loss returned a", "Elu from create(), not a Loss");
    }

    @Test
    void duplicatesAreRejectedNamingBothSources() {
        List<RegisteredComponent> components = List.of(
                component(activation("relu", List.of())),
                new RegisteredComponent(activation("relu", List.of()), JAR));

        assertThatThrownBy(() -> ComponentRegistry.of(components))
                .isInstanceOfSatisfying(GradlabException.class, e -> assertThat(e.category()).isEqualTo(Category.PLUGIN))
                .hasMessageContainingAll("duplicate activation id 'relu'",
                        "classpath module engine (io.gradlab.engine.builtin.BuiltinPlugin)", "plugin jar extra.jar (x.Extra)");
    }

    @Test
    void sameIdInDifferentKindsIsFine() {
        ComponentRegistry both = ComponentRegistry.of(List.of(component(activation("mse", List.of())), component(loss("mse"))));

        assertThat(both.components()).hasSize(2);
    }

    @Test
    void paramsFillDefaultsAndRejectBadValues() {
        Params params = registry.params(ComponentKind.ACTIVATION, ComponentSpec.of("elu"), "model.activation");
        assertThat(params.getDouble("alpha")).isEqualTo(1.0);

        assertThatThrownBy(() -> registry.params(ComponentKind.ACTIVATION, ComponentSpec.of("elu", Map.of("alpha", 0)), "model.activation"))
                .isInstanceOf(GradlabException.class)
                .hasMessageStartingWith("activation 'elu' at model.activation: parameter 'alpha' = 0 is invalid; allowed: (0, 10]");
    }

    @Test
    void nestedComponentErrorsSurfaceAtValidationTimeWithTheirPath() {
        ComponentSpec badValue = ComponentSpec.of("mlp", Map.of("activation", Map.of("id", "elu", "alpha", -1)));
        assertThatThrownBy(() -> registry.params(ComponentKind.ARCHITECTURE, badValue, "model.architecture"))
                .isInstanceOfSatisfying(GradlabException.class, e -> assertThat(e.category()).isEqualTo(Category.COMPONENT))
                .hasMessageStartingWith("activation 'elu' at model.architecture.activation: parameter 'alpha' = -1 is invalid");

        ComponentSpec badId = ComponentSpec.of("mlp", Map.of("activation", "rleu"));
        assertThatThrownBy(() -> registry.params(ComponentKind.ARCHITECTURE, badId, "model.architecture"))
                .hasMessage("unknown activation 'rleu' at model.architecture.activation (did you mean 'relu'?);"
                        + " known activations: elu, relu, sigmoid, tanh");

        ComponentSpec badDefaultFree = ComponentSpec.of("mlp", Map.of("output-activation", "nope"));
        assertThatThrownBy(() -> registry.params(ComponentKind.ARCHITECTURE, badDefaultFree, ""))
                .hasMessageStartingWith("unknown activation 'nope' at output-activation");
    }

    @Test
    void paramsHoldNestedComponentsAsSpecs() {
        Params params = registry.params(ComponentKind.ARCHITECTURE, ComponentSpec.of("mlp", Map.of("activation", "elu")), "model");

        assertThat(params.getComponent("activation")).isEqualTo(ComponentSpec.of("elu"));
        assertThat(params.has("output-activation")).isFalse();
        assertThat(params.getIntList("hidden")).containsExactly(32, 32);
    }

    @Test
    void resolveFillsEveryDefaultNestedComponentsToo() {
        ComponentSpec resolved = registry.resolve(ComponentKind.ARCHITECTURE,
                ComponentSpec.of("mlp", Map.of("hidden", List.of(8), "output_activation", "tanh")), "model.architecture");

        assertThat(resolved).isEqualTo(ComponentSpec.of("mlp", Map.of(
                "hidden", List.of(8),
                "activation", ComponentSpec.of("elu", Map.of("alpha", 1.0)),
                "output-activation", ComponentSpec.of("tanh"))));
        assertThat(resolved.params().keySet()).containsExactly("hidden", "activation", "output-activation");
        // resolving is idempotent
        assertThat(registry.resolve(ComponentKind.ARCHITECTURE, resolved, "model.architecture")).isEqualTo(resolved);
    }

    @Test
    void defaultThatRefersBackToItselfIsReportedNotAStackOverflow() {
        ComponentFactory<Activation> loop = activation("loop", List.of(ParameterSpec.component("inner", ComponentKind.ACTIVATION, "loop", "itself")));
        ComponentRegistry looping = ComponentRegistry.of(List.of(component(loop)));

        assertThatThrownBy(() -> looping.params(ComponentKind.ACTIVATION, ComponentSpec.of("loop"), "model"))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("nested more than 16 deep at model.inner.inner");
    }

    @Test
    void typedConveniencesValidateThenCreate() {
        Activation elu = registry.activation(ComponentSpec.of("elu", Map.of("alpha", 2.5)), "model.activation");

        assertThat(((ElementwiseActivation) elu).value(-1e9)).isEqualTo(-2.5);
        assertThatThrownBy(() -> registry.activation(ComponentSpec.of("elu", Map.of("alpah", 2.5)), "model.activation"))
                .hasMessageContaining("unknown parameter 'alpah' (did you mean 'alpha'?)");
    }

    @Test
    void layerAndArchitectureReceiveTheirNameAndBuilder() {
        AtomicReference<String> seenName = new AtomicReference<>();
        Layer layer = mock(Layer.class);
        ComponentFactory<Layer> dropout = ComponentFactory.of(ComponentKind.LAYER, "dropout", "test layer", List.of(), (p, context) -> {
            seenName.set(context.name());
            return layer;
        });
        List<RegisteredComponent> components = new ArrayList<>(registry.components());
        components.add(component(dropout));
        ComponentRegistry withLayer = ComponentRegistry.of(components);
        ModelBuilder builder = mock(ModelBuilder.class);

        assertThat(withLayer.layer(ComponentSpec.of("dropout"), "drop1", "model.layers[0]")).isSameAs(layer);
        assertThat(seenName).hasValue("drop1");
        assertThat(withLayer.architecture(ComponentSpec.of("mlp"), builder, "model.architecture")).isSameAs(architectureResult);
        assertThat(seenBuilder.get()).isSameAs(builder);
    }

    @Test
    void componentRejectingItsParametersIsAComponentError() {
        ComponentRegistry failing = ComponentRegistry.of(List.of(component(
                ComponentFactory.of(ComponentKind.ACTIVATION, "picky", "rejects", List.of(), p -> {
                    throw new IllegalArgumentException("width must be even");
                }))));

        assertThatThrownBy(() -> failing.activation(ComponentSpec.of("picky"), "model.activation"))
                .isInstanceOfSatisfying(GradlabException.class, e -> assertThat(e.category()).isEqualTo(Category.COMPONENT))
                .hasMessage("activation 'picky' from classpath module engine at model.activation rejected its parameters: width must be even");
    }

    @Test
    void componentThatCrashesOrReturnsNullIsAPluginError() {
        ComponentRegistry broken = ComponentRegistry.of(List.of(
                component(ComponentFactory.of(ComponentKind.ACTIVATION, "crash", "crashes", List.of(), p -> {
                    throw new IllegalStateException("oops");
                })),
                component(ComponentFactory.of(ComponentKind.ACTIVATION, "nothing", "returns null", List.of(), p -> null))));

        assertThatThrownBy(() -> broken.activation(ComponentSpec.of("crash"), "a"))
                .isInstanceOfSatisfying(GradlabException.class, e -> assertThat(e.category()).isEqualTo(Category.PLUGIN))
                .hasMessageContainingAll("activation 'crash' from classpath module engine at a failed while being created",
                        "IllegalStateException: oops", "report it to its author");
        assertThatThrownBy(() -> broken.activation(ComponentSpec.of("nothing"), "a"))
                .isInstanceOfSatisfying(GradlabException.class, e -> assertThat(e.category()).isEqualTo(Category.PLUGIN))
                .hasMessageContaining("returned null from create()");
    }

    @ParameterizedTest
    @CsvSource({"ACTIVATION, activations", "LOSS, losses", "TRAINING_STRATEGY, training-strategies",
            "GRADIENT_TRANSFORM, gradient-transforms", "DIAGNOSTIC, diagnostics"})
    void pluralLabels(ComponentKind<?> kind, String plural) {
        assertThat(kind.plural()).isEqualTo(plural);
    }

    private ComponentFactory<Layer> architecture() {
        return ComponentFactory.of(ComponentKind.ARCHITECTURE, "mlp", "test mlp", List.of(
                ParameterSpec.intList("hidden", List.of(32, 32), "hidden widths"),
                ParameterSpec.component("activation", ComponentKind.ACTIVATION, "elu", "hidden activation"),
                ParameterSpec.component("output-activation", ComponentKind.ACTIVATION, null, "optional output activation")),
                (p, context) -> {
                    seenBuilder.set(context.modelBuilder());
                    return architectureResult;
                });
    }

    private static ComponentFactory<Activation> activation(String id, List<ParameterSpec> parameters) {
        return ComponentFactory.of(ComponentKind.ACTIVATION, id, "test " + id, parameters, p -> new Elu(p.has("alpha") ? p.getDouble("alpha") : 1.0));
    }

    private static ComponentFactory<Loss> loss(String id) {
        return ComponentFactory.of(ComponentKind.LOSS, id, "test " + id, List.of(), p -> mock(Loss.class));
    }

    private static RegisteredComponent component(ComponentFactory<?> factory) {
        return new RegisteredComponent(factory, BUILTIN);
    }

    private static final class Elu extends ElementwiseActivation {
        private final double alpha;

        Elu(double alpha) {
            this.alpha = alpha;
        }

        @Override
        protected Expr function(Expr x) {
            return Expr.where(x.gt(0), x, x.expm1().mul(alpha));
        }

        @Override
        protected Expr derivative(Expr x, Expr y) {
            return Expr.where(x.gt(0), 1, y.add(alpha));
        }
    }
}
