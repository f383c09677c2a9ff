package io.gradlab.plugins.remedies.contracts;

import io.gradlab.api.spi.OptimizerFactory;
import io.gradlab.plugins.remedies.RemediesPlugin;
import io.gradlab.testkit.OptimizerContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The optimizers through the test kit's {@link OptimizerContract}. */
class OptimizerContractsTest {
    static OptimizerFactory factory(String id) {
        return new RemediesPlugin().optimizers().stream().filter(f -> f.id().value().equals(id)).findFirst().orElseThrow();
    }

    @Nested
    class AdamContract implements OptimizerContract {
        public OptimizerFactory factory() {
            return OptimizerContractsTest.factory("adam");
        }

        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("amsgrad", true, "weight-decay", 0.01, "lr", 0.01));
        }
    }

    @Nested
    class AdamwContract implements OptimizerContract {
        public OptimizerFactory factory() {
            return OptimizerContractsTest.factory("adamw");
        }
    }

    @Nested
    class RmspropContract implements OptimizerContract {
        public OptimizerFactory factory() {
            return OptimizerContractsTest.factory("rmsprop");
        }

        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("momentum", 0.9, "centered", true, "lr", 0.001));
        }
    }

    @Nested
    class AdagradContract implements OptimizerContract {
        public OptimizerFactory factory() {
            return OptimizerContractsTest.factory("adagrad");
        }

        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("lr", 0.1, "lr-decay", 0.01, "initial-accumulator-value", 0.1));
        }
    }
}
