package io.gradlab.plugins.recurrent;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Layer;
import io.gradlab.testkit.LayerContract;
import io.gradlab.testkit.TestContexts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/**
 * The test kit's layer contract for {@code rnn}, {@code lstm} and {@code gru}: factory metadata and
 * parameter validation, gradient checks (input, W_ih, W_hh, both biases) over 6 steps in TRAIN and EVAL
 * at random and edge points, float32 against float64, determinism, gradient accumulation and
 * shapes for several batch sizes; many-to-one and many-to-many. (Truncated BPTT computes, by design,
 * not the gradient of the forward pass; {@link RecurrentGradientTest} checks it against the truncated
 * reference.)
 */
class RecurrentLayerContractTest {
    private static final RecurrentPlugin PLUGIN = new RecurrentPlugin();

    private static ComponentFactory<Layer> layerFactory(String id) {
        return TestContexts.factory(PLUGIN, ComponentKind.LAYER, id);
    }

    /** 6 steps of 2 features. */
    interface SequenceLayerContract extends LayerContract {
        @Override
        default int inputWidth() {
            return 12;
        }

        @Override
        default Map<String, Object> params() {
            return Map.of("hidden", 3, "steps", 6);
        }

        @Override
        default List<Map<String, Object>> paramSets() {
            return List.of(
                    Map.of("hidden", 3, "steps", 6),
                    Map.of("hidden", 3, "features", 2, "return-sequences", true),
                    Map.of("hidden", 2, "steps", 6, "return-sequences", true, "recurrent-init", "radius", "spectral-radius", 0.9));
        }
    }

    @Nested
    class Rnn implements SequenceLayerContract {
        @Override
        public ComponentFactory<Layer> factory() {
            return layerFactory("rnn");
        }

        @Override
        public List<Map<String, Object>> paramSets() {
            return List.of(
                    Map.of("hidden", 3, "steps", 6),
                    Map.of("hidden", 3, "features", 2, "return-sequences", true, "activation", "identity", "spectral-radius", 1.5),
                    Map.of("hidden", 2, "steps", 6, "return-sequences", true, "recurrent-init", "normal", "activation", "relu"));
        }
    }

    @Nested
    class Lstm implements SequenceLayerContract {
        @Override
        public ComponentFactory<Layer> factory() {
            return layerFactory("lstm");
        }
    }

    @Nested
    class Gru implements SequenceLayerContract {
        @Override
        public ComponentFactory<Layer> factory() {
            return layerFactory("gru");
        }
    }
}
