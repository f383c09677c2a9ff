package io.gradlab.plugins.remedies.contracts;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Initializer;
import io.gradlab.plugins.remedies.RemediesPlugin;
import io.gradlab.testkit.InitializerContract;
import io.gradlab.testkit.TestContexts;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Nested;

/** Every initializer through the test kit's {@link InitializerContract} (fan 64 in, 32 out, relu). */
class InitializerContractsTest {
    static ComponentFactory<Initializer> factory(String id) {
        return TestContexts.factory(new RemediesPlugin(), ComponentKind.INITIALIZER, id);
    }

    @Nested
    class Zeros implements InitializerContract {
        public ComponentFactory<Initializer> factory() {
            return InitializerContractsTest.factory("zeros");
        }

        public boolean breaksSymmetry() {
            return false;
        }
    }

    @Nested
    class Constant implements InitializerContract {
        public ComponentFactory<Initializer> factory() {
            return InitializerContractsTest.factory("constant");
        }

        public Map<String, Object> params() {
            return Map.of("value", 0.3);
        }

        public boolean breaksSymmetry() {
            return false;
        }
    }

    @Nested
    class XavierNormal implements InitializerContract {
        public ComponentFactory<Initializer> factory() {
            return InitializerContractsTest.factory("xavier-normal");
        }

        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("gain", 2.0));
        }

        public OptionalDouble expectedStd(Map<String, Object> params, Fan fan) {
            double gain = ((Number) params.getOrDefault("gain", 1.0)).doubleValue();
            return OptionalDouble.of(gain * Math.sqrt(2.0 / (fan.fanIn() + fan.fanOut())));
        }
    }

    @Nested
    class XavierUniform implements InitializerContract {
        public ComponentFactory<Initializer> factory() {
            return InitializerContractsTest.factory("xavier-uniform");
        }

        public OptionalDouble expectedStd(Map<String, Object> params, Fan fan) {
            return OptionalDouble.of(Math.sqrt(2.0 / (fan.fanIn() + fan.fanOut())));
        }
    }

    @Nested
    class HeNormal implements InitializerContract {
        public ComponentFactory<Initializer> factory() {
            return InitializerContractsTest.factory("he-normal");
        }

        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("mode", "fan-out"), Map.of("nonlinearity", "leaky-relu", "negative-slope", 0.2));
        }

        public OptionalDouble expectedStd(Map<String, Object> params, Fan fan) {
            double slope = ((Number) params.getOrDefault("negative-slope", 0.01)).doubleValue();
            double gain = params.containsKey("nonlinearity") ? Math.sqrt(2 / (1 + slope * slope)) : Math.sqrt(2); // fan() is relu
            int n = "fan-out".equals(params.get("mode")) ? fan.fanOut() : fan.fanIn();
            return OptionalDouble.of(gain / Math.sqrt(n));
        }
    }

    @Nested
    class HeUniform implements InitializerContract {
        public ComponentFactory<Initializer> factory() {
            return InitializerContractsTest.factory("he-uniform");
        }

        public OptionalDouble expectedStd(Map<String, Object> params, Fan fan) {
            return OptionalDouble.of(Math.sqrt(2.0 / fan.fanIn()));
        }
    }

    @Nested
    class LecunNormal implements InitializerContract {
        public ComponentFactory<Initializer> factory() {
            return InitializerContractsTest.factory("lecun-normal");
        }

        public OptionalDouble expectedStd(Map<String, Object> params, Fan fan) {
            return OptionalDouble.of(1.0 / Math.sqrt(fan.fanIn()));
        }
    }

    @Nested
    class Orthogonal implements InitializerContract {
        public ComponentFactory<Initializer> factory() {
            return InitializerContractsTest.factory("orthogonal");
        }

        public OptionalDouble expectedStd(Map<String, Object> params, Fan fan) {
            // 32 orthonormal rows of 64 elements: each element has variance 1/64
            return OptionalDouble.of(1.0 / Math.sqrt(fan.fanIn()));
        }
    }
}
