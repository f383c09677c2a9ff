package io.gradlab.plugins.remedies.contracts;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.train.Optimizer;
import io.gradlab.plugins.remedies.RemediesPlugin;
import io.gradlab.testkit.OptimizerContract;
import io.gradlab.testkit.TestContexts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The optimizers through the test kit's {@link OptimizerContract}. */
class OptimizerContractsTest {
    static ComponentFactory<Optimizer> factory(String id) {
        return TestContexts.factory(new RemediesPlugin(), ComponentKind.OPTIMIZER, id);
    }

    @Nested
    class AdamContract implements OptimizerContract {
        public ComponentFactory<Optimizer> factory() {
            return OptimizerContractsTest.factory("adam");
        }

        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("amsgrad", true, "weight-decay", 0.01, "lr", 0.01));
        }
    }

    @Nested
    class AdamwContract implements OptimizerContract {
        public ComponentFactory<Optimizer> factory() {
            return OptimizerContractsTest.factory("adamw");
        }
    }

    @Nested
    class RmspropContract implements OptimizerContract {
        public ComponentFactory<Optimizer> factory() {
            return OptimizerContractsTest.factory("rmsprop");
        }

        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("momentum", 0.9, "centered", true, "lr", 0.001));
        }
    }

    @Nested
    class AdagradContract implements OptimizerContract {
        public ComponentFactory<Optimizer> factory() {
            return OptimizerContractsTest.factory("adagrad");
        }

        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("lr", 0.1, "lr-decay", 0.01, "initial-accumulator-value", 0.1));
        }
    }
}
