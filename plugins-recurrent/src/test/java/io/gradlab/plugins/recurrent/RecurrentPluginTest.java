package io.gradlab.plugins.recurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.ApiVersion;
import io.gradlab.api.ComponentFactory.CreateContext;
import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabPlugin;
import io.gradlab.api.ParamsValidator;
import io.gradlab.api.data.DataContext;
import io.gradlab.api.data.DataSplits;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.ModelBuilder;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.testkit.TestContexts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class RecurrentPluginTest {
    private final RecurrentPlugin plugin = new RecurrentPlugin();

    @Test
    void isFoundByServiceLoaderAndContributesItsComponents() {
        assertThat(ServiceLoader.load(GradlabPlugin.class).stream().map(ServiceLoader.Provider::type))
                .contains(RecurrentPlugin.class);
        assertThat(plugin.apiVersion()).isEqualTo(ApiVersion.CURRENT);
        assertThat(TestContexts.factories(plugin, ComponentKind.LAYER)).extracting(f -> f.id().value()).containsExactly("rnn", "lstm", "gru");
        assertThat(TestContexts.factories(plugin, ComponentKind.ARCHITECTURE)).extracting(f -> f.id().value()).containsExactly("rnn-net");
        assertThat(TestContexts.factories(plugin, ComponentKind.DATASET)).extracting(f -> f.id().value()).containsExactly("adding", "copy");
        assertThat(TestContexts.factories(plugin, ComponentKind.DIAGNOSTIC)).extracting(f -> f.id().value()).containsExactly("recurrent");
    }

    private static Layer layer(ComponentFactory<Layer> factory, Map<String, Object> raw) {
        return TestContexts.create(factory, raw, "r1");
    }

    @Test
    void layerFactoriesReadEveryParameter() {
        ComponentFactory<Layer> rnn = TestContexts.factories(plugin, ComponentKind.LAYER).get(0);
        RnnLayer layer = (RnnLayer) layer(rnn, Map.of("hidden", 5, "steps", 4, "return-sequences", true, "truncate", 2,
                "recurrent-init", "identity", "spectral-radius", 0.5, "activation", "relu"));
        assertThat(layer.config()).isEqualTo(new RecurrentConfig(5, 4, 0, true, 2, RecurrentInit.IDENTITY, 0.5));
        assertThat(layer.activation()).isEqualTo(RnnLayer.Activation.RELU);
        assertThat(layer.build(12, new TestSupport.Context(DType.F32, 1, 0.1))).isEqualTo(20);
        assertThat(layer.weightHh().value().get(0)).isEqualTo(0.5f);
        assertThat(layer.parameters()).extracting(p -> p.name()).containsExactly("weight_ih", "weight_hh", "bias_ih", "bias_hh");
        assertThat(layer.parameters().get(0).value().shape()).containsExactly(5, 3);

        LstmLayer lstm = (LstmLayer) layer(TestContexts.factories(plugin, ComponentKind.LAYER).get(1), Map.of("features", 3, "forget-bias", 2.0));
        assertThat(lstm.build(12, new TestSupport.Context(DType.F32, 1, 0.1))).isEqualTo(64);
        assertThat(lstm.steps()).isEqualTo(4);
        assertThat(lstm.forgetBias()).isEqualTo(2.0);
        assertThat(lstm.weightIh().value().shape()).containsExactly(256, 3);

        assertThatThrownBy(() -> layer(rnn, Map.of("activation", "sigmoid"))).isInstanceOf(GradlabException.class)
                .hasMessageContaining("tanh, relu, identity");
    }

    @Test
    void aLayerWithoutStepsOrFeaturesOrWithAnIndivisibleWidthSaysHowToFixIt() {
        Layer gru = layer(TestContexts.factories(plugin, ComponentKind.LAYER).get(2), Map.of());
        assertThatThrownBy(() -> gru.build(12, new TestSupport.Context(DType.F32, 1, 0.1)))
                .isInstanceOf(GradlabException.class).hasMessageContaining("set steps").hasMessageContaining("time-steps: 28");
        Layer five = layer(TestContexts.factories(plugin, ComponentKind.LAYER).get(2), Map.of("steps", 5));
        assertThatThrownBy(() -> five.build(12, new TestSupport.Context(DType.F32, 1, 0.1)))
                .isInstanceOf(GradlabException.class).hasMessageContaining("valid steps: 1, 2, 3, 4, 6, 12");
    }

    /** A model builder recording what the architecture asks for; the "dense" head is a stand-in layer. */
    private record Builder(int inputWidth, int outputWidth, int timeSteps, List<Object> made) implements ModelBuilder {
        @Override
        public Layer dense(String name, int units, ComponentSpec init, ComponentSpec biasInit, String nonlinearity) {
            made.add("dense " + name + " " + units);
            return new RnnLayer(name, new RecurrentConfig(units, 1, 0, false, 0, RecurrentInit.IDENTITY, 0), RnnLayer.Activation.IDENTITY);
        }

        @Override
        public Layer activation(String name, ComponentSpec activation) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Layer normalizer(String name, ComponentSpec normalizer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Layer layer(String name, ComponentSpec layer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Layer sequential(String name, List<Layer> layers) {
            made.addAll(layers);
            return layers.get(layers.size() - 1);
        }
    }

    @Test
    void rnnNetStacksCellsWithSequencesOnTheLowerOnesAndADenseHead() {
        ComponentFactory<Layer> factory = TestContexts.factories(plugin, ComponentKind.ARCHITECTURE).get(0);
        Builder builder = new Builder(784, 10, 28, new ArrayList<>());
        factory.create(ParamsValidator.validate(factory, Map.of("cell", "gru", "hidden", 16, "layers", 3, "truncate", 5,
                "spectral-radius", 0.9), "model.architecture"), CreateContext.of("model.architecture", builder));
        assertThat(builder.made()).hasSize(5);
        assertThat(builder.made().get(0)).isEqualTo("dense output 10");
        GruLayer first = (GruLayer) builder.made().get(1);
        GruLayer top = (GruLayer) builder.made().get(3);
        assertThat(first.name()).isEqualTo("gru1");
        assertThat(first.config()).isEqualTo(new RecurrentConfig(16, 28, 0, true, 5, RecurrentInit.ORTHOGONAL, 0.9));
        assertThat(top.name()).isEqualTo("gru3");
        assertThat(top.config().returnSequences()).isFalse();
        // stacked: the second layer takes the first one's sequence
        int width = first.build(784, new TestSupport.Context(DType.F32, 1, 0.1));
        assertThat(((GruLayer) builder.made().get(2)).build(width, new TestSupport.Context(DType.F32, 1, 0.1))).isEqualTo(28 * 16);

        Builder flat = new Builder(784, 10, 1, new ArrayList<>());
        assertThatThrownBy(() -> factory.create(ParamsValidator.validate(factory, Map.of(), "m"), CreateContext.of("m", flat)))
                .isInstanceOf(GradlabException.class).hasMessageContaining("single time step of 784 features").hasMessageContaining("time-steps: 28");
        Builder odd = new Builder(10, 1, 1, new ArrayList<>());
        assertThatThrownBy(() -> factory.create(ParamsValidator.validate(factory, Map.of("steps", 3), "m"), CreateContext.of("m", odd)))
                .isInstanceOf(GradlabException.class).hasMessageContaining("3 time steps do not divide the 10 input features");
    }

    @Test
    void aStackTrainsEndToEndThroughBackward() {
        RecurrentConfig config = new RecurrentConfig(4, 5, 0, true, 0, RecurrentInit.ORTHOGONAL, 1.0);
        LstmLayer lower = new LstmLayer("lstm1", config, 1.0);
        GruLayer upper = new GruLayer("gru2", config.withReturnSequences(false));
        BuildContext ctx = new TestSupport.Context(DType.F64, 3, 0.5);
        upper.build(lower.build(10, ctx), ctx);
        Tensor x = TestSupport.normal(DType.F64, TestSupport.random(1), 1, 3, 10);
        Tensor y = upper.forward(lower.forward(x, Mode.TRAIN), Mode.TRAIN);
        assertThat(y.shape()).containsExactly(3, 4);
        Tensor g = lower.backward(upper.backward(TestSupport.normal(DType.F64, TestSupport.random(2), 1, 3, 4)));
        assertThat(g.shape()).containsExactly(3, 10);
        assertThat(g.allFinite()).isTrue();
        assertThat(java.util.Arrays.stream(lower.weightHh().grad().toDoubleArray()).anyMatch(v -> v != 0)).isTrue();
    }

    @Test
    void datasetFactoriesUseTheContextRandomStream() {
        ComponentFactory<DataSplits> adding = TestContexts.factories(plugin, ComponentKind.DATASET).get(0);
        DataContext ctx = new DataContext() {
            @Override
            public Optional<Path> dataDirOverride() {
                return Optional.empty();
            }

            @Override
            public Path specDir() {
                return Path.of(".");
            }

            @Override
            public RandomSource random() {
                return TestSupport.random(9);
            }
        };
        DataSplits splits = adding.create(ParamsValidator.validate(adding, Map.of("steps", 8, "train-size", 30, "test-size", 7), "data"),
                CreateContext.of("data.source", ctx));
        assertThat(splits.train().size()).isEqualTo(30);
        assertThat(splits.test().size()).isEqualTo(7);
        assertThat(splits.train().timeSteps()).isEqualTo(8);
        assertThat(splits.description()).contains("0.167");
        ComponentFactory<DataSplits> copy = TestContexts.factories(plugin, ComponentKind.DATASET).get(1);
        assertThat(copy.create(ParamsValidator.validate(copy, Map.of(), "data"), CreateContext.of("data.source", ctx)).train().classes()).isEqualTo(8);
        assertThatThrownBy(() -> copy.create(ParamsValidator.validate(copy, Map.of("steps", 5, "length", 5), "data"), CreateContext.of("data.source", ctx)))
                .isInstanceOf(GradlabException.class).hasMessageContaining("length 5 must be smaller than steps 5");
    }
}
