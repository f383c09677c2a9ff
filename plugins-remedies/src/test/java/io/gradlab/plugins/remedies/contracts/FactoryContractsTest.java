package io.gradlab.plugins.remedies.contracts;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.plugins.remedies.RemediesPlugin;
import io.gradlab.testkit.FactoryContract;
import io.gradlab.testkit.TestContexts;
import org.junit.jupiter.api.Nested;

/**
 * The factory checks of the test kit (metadata, declared parameters, range and unknown-key rejection)
 * for the components without a behavioural contract of their own: the gradient transforms, the
 * skip-mlp architecture, the layer-wise strategy and the synthetic dataset.
 */
class FactoryContractsTest {
    static final RemediesPlugin PLUGIN = new RemediesPlugin();

    @Nested
    class ClipNorm implements FactoryContract {
        public ComponentFactory factory() {
            return TestContexts.factories(PLUGIN, ComponentKind.GRADIENT_TRANSFORM).get(0);
        }

        public ComponentKind<?> expectedKind() {
            return ComponentKind.GRADIENT_TRANSFORM;
        }
    }

    @Nested
    class ClipValue implements FactoryContract {
        public ComponentFactory factory() {
            return TestContexts.factories(PLUGIN, ComponentKind.GRADIENT_TRANSFORM).get(1);
        }

        public ComponentKind<?> expectedKind() {
            return ComponentKind.GRADIENT_TRANSFORM;
        }
    }

    @Nested
    class LayerRenorm implements FactoryContract {
        public ComponentFactory factory() {
            return TestContexts.factories(PLUGIN, ComponentKind.GRADIENT_TRANSFORM).get(2);
        }

        public ComponentKind<?> expectedKind() {
            return ComponentKind.GRADIENT_TRANSFORM;
        }
    }

    @Nested
    class SkipMlp implements FactoryContract {
        public ComponentFactory factory() {
            return TestContexts.factories(PLUGIN, ComponentKind.ARCHITECTURE).get(0);
        }

        public ComponentKind<?> expectedKind() {
            return ComponentKind.ARCHITECTURE;
        }
    }

    @Nested
    class Layerwise implements FactoryContract {
        public ComponentFactory factory() {
            return TestContexts.factories(PLUGIN, ComponentKind.TRAINING_STRATEGY).get(0);
        }

        public ComponentKind<?> expectedKind() {
            return ComponentKind.TRAINING_STRATEGY;
        }
    }

    @Nested
    class Synthetic implements FactoryContract {
        public ComponentFactory factory() {
            return TestContexts.factories(PLUGIN, ComponentKind.DATASET).get(0);
        }

        public ComponentKind<?> expectedKind() {
            return ComponentKind.DATASET;
        }
    }
}
