package io.gradlab.plugins.remedies.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.plugins.remedies.RemediesPlugin;
import io.gradlab.plugins.remedies.skip.Residual;
import io.gradlab.plugins.remedies.skip.SkipNetwork;
import io.gradlab.plugins.remedies.support.TestLayers;
import io.gradlab.testkit.LayerContract;
import io.gradlab.testkit.LossCheck;
import io.gradlab.testkit.LossContract;
import io.gradlab.testkit.NormalizerContract;
import io.gradlab.testkit.TestContexts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The normalizers, the grad-norm layer, the skip containers and the logistic loss through the test kit's contracts. */
class LayerContractsTest {
    static final RemediesPlugin PLUGIN = new RemediesPlugin();

    static ComponentFactory<Layer> normalizer(String id) {
        return TestContexts.factory(PLUGIN, ComponentKind.NORMALIZER, id);
    }

    @Nested
    class BatchNormContract implements NormalizerContract {
        public ComponentFactory<Layer> factory() {
            return normalizer("batch-norm");
        }

        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("affine", false, "momentum", 0.5));
        }
    }

    @Nested
    class LayerNormContract implements NormalizerContract {
        public ComponentFactory<Layer> factory() {
            return normalizer("layer-norm");
        }

        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("affine", false));
        }
    }

    @Nested
    class CustomNormContract implements NormalizerContract {
        public ComponentFactory<Layer> factory() {
            return normalizer("custom-norm");
        }

        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("over", "feature"), Map.of("unbiased", false), Map.of("over", "feature", "unbiased", false));
        }
    }

    @Nested
    class GradNormContract implements LayerContract {
        public ComponentFactory<Layer> factory() {
            return TestContexts.factories(PLUGIN, ComponentKind.LAYER).get(0);
        }

        /**
         * grad-norm is deliberately not the derivative of its (identity) forward pass, so instead of the
         * gradient check: the gradient it passes down is the incoming one standardised over the tensor.
         */
        @Test
        @Override
        public void gradientCheckPasses() {
            Layer layer = newLayer(Map.of());
            layer.build(6, TestContexts.f64());
            SeededRandom random = new SeededRandom(3);
            Tensor x = TestContexts.randomNormal(DType.F64, random, 1.0, 5, 6);
            assertThat(layer.forward(x, Mode.TRAIN).toDoubleArray()).containsExactly(x.toDoubleArray());
            Tensor g = TestContexts.randomNormal(DType.F64, random, 1e-3, 5, 6);
            double[] in = g.toDoubleArray();
            double[] out = layer.backward(g).toDoubleArray();
            double mean = java.util.Arrays.stream(in).average().orElseThrow();
            double std = Math.sqrt(java.util.Arrays.stream(in).map(v -> (v - mean) * (v - mean)).sum() / (in.length - 1));
            for (int i = 0; i < in.length; i++) {
                assertThat(out[i]).isCloseTo((in[i] - mean) / (std + 1e-6), within(1e-12));
            }
        }
    }

    @Nested
    class ResidualContract implements LayerContract {
        public ComponentFactory<Layer> factory() {
            return TestContexts.factory(ComponentKind.LAYER, "residual", () -> new Residual("res",
                    new TestLayers.Seq("body", List.of(new TestLayers.Dense("d", 4), new TestLayers.Tanh("t"))), null));
        }
    }

    @Nested
    class ProjectedResidualContract implements LayerContract {
        public ComponentFactory<Layer> factory() {
            return TestContexts.factory(ComponentKind.LAYER, "projected-residual", () -> new Residual("res",
                    new TestLayers.Seq("body", List.of(new TestLayers.Dense("d", 3), new TestLayers.Tanh("t"))), null));
        }
    }

    @Nested
    class SkipNetworkContract implements LayerContract {
        public ComponentFactory<Layer> factory() {
            return TestContexts.factory(ComponentKind.LAYER, "skip-network", () -> new SkipNetwork("net",
                    List.of(block("b1", 3), block("b2", 3), block("b3", 2), block("b4", 3)),
                    new TestLayers.Dense("head", 2),
                    List.of(new SkipNetwork.Skip(1, 3, new TestLayers.Dense("p13", 2)), new SkipNetwork.Skip(1, 4, null),
                            new SkipNetwork.Skip(2, 4, null))));
        }

        private static Layer block(String name, int units) {
            return new TestLayers.Seq(name, List.of(new TestLayers.Dense(name + "d", units), new TestLayers.Tanh(name + "t")));
        }
    }

    @Nested
    class BceWithLogitsContract implements LossContract {
        public ComponentFactory<Loss> factory() {
            return TestContexts.factories(PLUGIN, ComponentKind.LOSS).get(0);
        }

        public LossCheck.TargetKind targets() {
            return LossCheck.TargetKind.PROBABILITY;
        }
    }
}
