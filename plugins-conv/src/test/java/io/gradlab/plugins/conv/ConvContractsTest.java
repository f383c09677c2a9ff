package io.gradlab.plugins.conv;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Layer;
import io.gradlab.testkit.LayerCheck;
import io.gradlab.testkit.LayerContract;
import io.gradlab.testkit.NormalizerContract;
import io.gradlab.testkit.TestContexts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/**
 * Every layer of the plugin through the test kit's contracts: the float64 gradient check (input and
 * every parameter, in training and evaluation mode), float32 against float64, determinism, the
 * accumulation of parameter gradients and consistent shapes, on small images.
 */
class ConvContractsTest {
    static final ConvPlugin PLUGIN = new ConvPlugin();

    static ComponentFactory<Layer> layer(String id) {
        return TestContexts.factory(PLUGIN, ComponentKind.LAYER, id);
    }

    @Nested
    class Conv2dContract implements LayerContract {
        public ComponentFactory<Layer> factory() {
            return layer("conv2d");
        }

        public int inputWidth() {
            return 2 * 6 * 5;
        }

        public List<Map<String, Object>> paramSets() {
            List<Integer> in = List.of(2, 6, 5);
            return List.of(
                    Map.of("input", in, "channels", 3, "kernel", 3, "padding", 1),
                    Map.of("input", in, "channels", 2, "kernel", 3, "stride", 2, "padding", 1, "bias", false),
                    Map.of("input", in, "channels", 2, "kernel", 2, "dilation", 2, "padding", 2),
                    Map.of("input", in, "channels", 4, "kernel", 1, "stride", 2));
        }
    }

    @Nested
    class MaxPoolContract implements LayerContract {
        public ComponentFactory<Layer> factory() {
            return layer("max-pool2d");
        }

        public int inputWidth() {
            return 2 * 5 * 6;
        }

        public List<Map<String, Object>> paramSets() {
            List<Integer> in = List.of(2, 5, 6);
            return List.of(Map.of("input", in), Map.of("input", in, "kernel", 3, "stride", 2, "padding", 1));
        }

        /**
         * Without the edge points, which fill the image with one value: every window then ties, and the
         * maximum has no derivative there (PyTorch, too, sends the gradient to one of the tied elements).
         */
        public LayerCheck gradientCheck(Map<String, Object> params) {
            return LayerContract.super.gradientCheck(params).edgeValues();
        }
    }

    @Nested
    class AvgPoolContract implements LayerContract {
        public ComponentFactory<Layer> factory() {
            return layer("avg-pool2d");
        }

        public int inputWidth() {
            return 2 * 5 * 6;
        }

        public List<Map<String, Object>> paramSets() {
            List<Integer> in = List.of(2, 5, 6);
            return List.of(Map.of("input", in), Map.of("input", in, "kernel", 3, "stride", 1, "padding", 1));
        }
    }

    @Nested
    class GlobalAvgPoolContract implements LayerContract {
        public ComponentFactory<Layer> factory() {
            return layer("global-avg-pool");
        }

        public int inputWidth() {
            return 3 * 4 * 4;
        }

        public Map<String, Object> params() {
            return Map.of("input", List.of(3, 4, 4));
        }
    }

    @Nested
    class FlattenContract implements LayerContract {
        public ComponentFactory<Layer> factory() {
            return layer("flatten");
        }

        public int inputWidth() {
            return 2 * 3 * 3;
        }

        public Map<String, Object> params() {
            return Map.of("input", List.of(2, 3, 3));
        }
    }

    @Nested
    class BatchNorm2dContract implements NormalizerContract {
        public ComponentFactory<Layer> factory() {
            return TestContexts.factory(PLUGIN, ComponentKind.NORMALIZER, "batch-norm2d");
        }

        public int inputWidth() {
            return 3 * 2 * 3;
        }

        public int batchSize() {
            return 3;
        }

        public List<Map<String, Object>> paramSets() {
            List<Integer> in = List.of(3, 2, 3);
            return List.of(Map.of("input", in), Map.of("input", in, "affine", false, "momentum", 0.5));
        }
    }

    @Nested
    class BasicBlockContract implements LayerContract {
        public ComponentFactory<Layer> factory() {
            return layer("basic-block");
        }

        public int inputWidth() {
            return 2 * 4 * 4;
        }

        public int batchSize() {
            return 3;
        }

        public List<Map<String, Object>> paramSets() {
            List<Integer> in = List.of(2, 4, 4);
            return List.of(
                    Map.of("input", in, "channels", 2),
                    Map.of("input", in, "channels", 3, "stride", 2),
                    Map.of("input", in, "channels", 2, "residual", false),
                    Map.of("input", in, "channels", 3, "stride", 2, "batch-norm", false),
                    Map.of("input", in, "channels", 2, "residual", false, "batch-norm", false));
        }
    }
}
