package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.nn.Activation;
import io.gradlab.testkit.ActivationContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** Every activation of the plugin through the test kit's contract, for the parameter settings that change its shape. */
class ActivationContractsTest {

    @Nested
    class ReluContract implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return Eval.factory("relu");
        }
    }

    @Nested
    class LeakyReluContract implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return Eval.factory("leaky-relu");
        }

        @Override
        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("negative-slope", 0.3), Map.of("negative-slope", 0.0), Map.of("negative-slope", 1.0));
        }
    }

    @Nested
    class PReluContract implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return Eval.factory("prelu");
        }

        @Override
        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("shared", true), Map.of("init", 0.0, "shared", false));
        }
    }

    @Nested
    class EluContract implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return Eval.factory("elu");
        }

        @Override
        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("alpha", 0.5), Map.of("alpha", 2.0), Map.of("alpha", 0.0));
        }
    }

    @Nested
    class SeluContract implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return Eval.factory("selu");
        }
    }

    @Nested
    class SoftplusContract implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return Eval.factory("softplus");
        }

        @Override
        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("beta", 2.0, "threshold", 5.0), Map.of("beta", 0.5));
        }
    }

    @Nested
    class SwishContract implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return Eval.factory("swish");
        }

        @Override
        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("beta", 0.5), Map.of("beta", 10.0));
        }
    }

    @Nested
    class SiluContract implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return Eval.factory("silu");
        }
    }

    @Nested
    class GeluContract implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return Eval.factory("gelu");
        }

        @Override
        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("approximate", "tanh"));
        }
    }

    @Nested
    class MishContract implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return Eval.factory("mish");
        }
    }

    @Nested
    class HardSigmoidContract implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return Eval.factory("hard-sigmoid");
        }
    }

    @Nested
    class HardSwishContract implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return Eval.factory("hard-swish");
        }
    }
}
