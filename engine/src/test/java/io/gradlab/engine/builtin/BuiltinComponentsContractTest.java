package io.gradlab.engine.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.Optimizer;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.testkit.ActivationContract;
import io.gradlab.testkit.GradientCheck;
import io.gradlab.testkit.InitializerContract;
import io.gradlab.testkit.LayerContract;
import io.gradlab.testkit.LossCheck;
import io.gradlab.testkit.LossContract;
import io.gradlab.testkit.OptimizerContract;
import io.gradlab.testkit.TestBuildContext;
import io.gradlab.testkit.TestContexts;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every built-in component of the engine, verified through the plugin test kit like any plugin's. */
class BuiltinComponentsContractTest {
    private static final BuiltinPlugin PLUGIN = new BuiltinPlugin();

    @Nested
    class SigmoidContract implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return TestContexts.factory(PLUGIN, ComponentKind.ACTIVATION, "sigmoid");
        }

        @Test
        void goldenValuesFromTheCourse() {
            Sigmoid s = new Sigmoid();
            assertThat(s.derivative(0, s.value(0))).isEqualTo(0.25);
            assertThat(s.derivative(5, s.value(5))).isCloseTo(0.0066, within(5e-5));
            assertThat(s.derivative(-5, s.value(-5))).isCloseTo(0.0066, within(5e-5));
            assertThat(s.value(-1000)).isEqualTo(0.0);
            assertThat(s.value(1000)).isEqualTo(1.0);
        }
    }

    @Nested
    class TanhContract implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return TestContexts.factory(PLUGIN, ComponentKind.ACTIVATION, "tanh");
        }

        @Test
        void goldenValuesFromTheCourse() {
            Tanh t = new Tanh();
            assertThat(t.derivative(0, t.value(0))).isEqualTo(1.0);
            assertThat(t.derivative(2, t.value(2))).isCloseTo(0.0707, within(5e-5));
            assertThat(t.derivative(3, t.value(3))).isCloseTo(0.0099, within(5e-5));
        }
    }

    @Nested
    class IdentityContract implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return TestContexts.factory(PLUGIN, ComponentKind.ACTIVATION, "identity");
        }
    }

    /** The activation contract with the engine's kernels (two threads) in place of the test kit's reference. */
    interface ThroughTheEngine extends ActivationContract {
        BlasOps OPS = BlasOps.create("auto", 2);

        @Override
        default TestBuildContext context(DType dtype) {
            return ActivationContract.super.context(dtype).withOps(OPS);
        }
    }

    @Nested
    class SigmoidThroughTheEngine implements ThroughTheEngine {
        @Override
        public ComponentFactory<Activation> factory() {
            return TestContexts.factory(PLUGIN, ComponentKind.ACTIVATION, "sigmoid");
        }
    }

    @Nested
    class TanhThroughTheEngine implements ThroughTheEngine {
        @Override
        public ComponentFactory<Activation> factory() {
            return TestContexts.factory(PLUGIN, ComponentKind.ACTIVATION, "tanh");
        }
    }

    @Nested
    class DenseContract implements LayerContract {
        @Override
        public ComponentFactory<Layer> factory() {
            return TestContexts.factory(PLUGIN, ComponentKind.LAYER, "dense");
        }

        @Override
        public Map<String, Object> params() {
            return Map.of("units", 3);
        }

        @Test
        void gradientsAgreeWithCentralDifferencesToOneInAMillion() {
            var report = GradientCheck.layer(factory()).params(params()).threshold(1e-6).run();
            report.assertPasses();
            assertThat(report.maxRelativeError()).isLessThanOrEqualTo(1e-6);
            assertThat(report.checks()).isGreaterThan(10);
        }
    }

    @Nested
    class SoftmaxCrossEntropyContract implements LossContract {
        @Override
        public ComponentFactory<Loss> factory() {
            return TestContexts.factory(PLUGIN, ComponentKind.LOSS, "softmax-cross-entropy");
        }

        @Test
        void uniformLogitsCostLnOfTheClassCount() {
            var loss = new io.gradlab.engine.nn.SoftmaxCrossEntropy();
            Tensor logits = Tensor.zeros(DType.F64, 2, 10);
            Tensor target = Tensor.of(DType.F64, new double[] {3, 7}, 2, 1);
            assertThat(loss.forward(logits, target)).isCloseTo(Math.log(10), within(1e-12));
            Tensor big = Tensor.of(DType.F64, new double[] {1000, 0, -1000}, 1, 3);
            assertThat(loss.forward(big, Tensor.of(DType.F64, new double[] {1}, 1, 1))).isCloseTo(1000, within(1e-9));
        }
    }

    @Nested
    class MseContract implements LossContract {
        @Override
        public ComponentFactory<Loss> factory() {
            return TestContexts.factory(PLUGIN, ComponentKind.LOSS, "mse");
        }

        @Override
        public LossCheck.TargetKind targets() {
            return LossCheck.TargetKind.REGRESSION;
        }
    }

    @Nested
    class NormalContract implements InitializerContract {
        @Override
        public ComponentFactory<Initializer> factory() {
            return TestContexts.factory(PLUGIN, ComponentKind.INITIALIZER, "normal");
        }

        @Override
        public Map<String, Object> params() {
            return Map.of("std", 0.5);
        }

        @Override
        public OptionalDouble expectedStd(Map<String, Object> params, Fan fan) {
            return OptionalDouble.of(((Number) params.getOrDefault("std", 0.05)).doubleValue());
        }
    }

    @Nested
    class UniformContract implements InitializerContract {
        @Override
        public ComponentFactory<Initializer> factory() {
            return TestContexts.factory(PLUGIN, ComponentKind.INITIALIZER, "uniform");
        }

        @Override
        public OptionalDouble expectedStd(Map<String, Object> params, Fan fan) {
            double a = ((Number) params.getOrDefault("a", -0.05)).doubleValue();
            double b = ((Number) params.getOrDefault("b", 0.05)).doubleValue();
            return OptionalDouble.of((b - a) / Math.sqrt(12));
        }
    }

    @Nested
    class PytorchDefaultContract implements InitializerContract {
        @Override
        public ComponentFactory<Initializer> factory() {
            return TestContexts.factory(PLUGIN, ComponentKind.INITIALIZER, "pytorch-default");
        }

        @Override
        public OptionalDouble expectedStd(Map<String, Object> params, Fan fan) {
            return OptionalDouble.of(1.0 / Math.sqrt(fan.fanIn()) / Math.sqrt(3));
        }

        @Test
        void biasesAreDrawnFromTheSameBound() {
            var init = TestContexts.create(factory(), Map.of());
            Tensor bias = Tensor.zeros(DType.F64, 1000);
            init.initializeBias(bias, new Fan(16, 8, "sigmoid"), new SeededRandom(1));
            double max = 0;
            for (double v : bias.toDoubleArray()) {
                max = Math.max(max, Math.abs(v));
            }
            assertThat(max).isLessThanOrEqualTo(0.25).isGreaterThan(0.2);
        }
    }

    @Nested
    class SgdContract implements OptimizerContract {
        @Override
        public ComponentFactory<Optimizer> factory() {
            return TestContexts.factory(PLUGIN, ComponentKind.OPTIMIZER, "sgd");
        }

        @Override
        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("momentum", 0.9), Map.of("momentum", 0.9, "nesterov", true, "weight-decay", 1e-4));
        }
    }
}
