package io.gradlab.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import io.gradlab.api.train.Optimizer;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every contract runs green on a correct fake, and its checks fail on broken ones. */
class ContractSelfTest {

    @Nested
    class TanhActivation implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return ComponentFactory.of(ComponentKind.ACTIVATION, "tanh", "hyperbolic tangent",
                    List.of(ParameterSpec.real("factor", 1.0, "derivative factor").range(1.0, 1.0)),
                    p -> new Fakes.Tanh(p.getDouble("factor")));
        }
    }

    @Nested
    class ReluActivation implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return TestContexts.factory(ComponentKind.ACTIVATION, "relu", () -> new Fakes.Relu(true));
        }
    }

    @Nested
    class LearnableScaleActivation implements ActivationContract {
        @Override
        public ComponentFactory<Activation> factory() {
            return TestContexts.factory(ComponentKind.ACTIVATION, "scale", () -> new Fakes.Scale(1.0));
        }
    }

    @Nested
    class DenseLayer implements LayerContract {
        @Override
        public ComponentFactory<Layer> factory() {
            return ComponentFactory.of(ComponentKind.LAYER, "dense", "fully connected",
                    List.of(ParameterSpec.integer("units", 3, "output features").range(1, 4096)),
                    p -> new Fakes.Dense(p.getInt("units")));
        }

        @Override
        public List<Map<String, Object>> paramSets() {
            return List.of(Map.of(), Map.of("units", 1));
        }
    }

    @Nested
    class BatchNormNormalizer implements NormalizerContract {
        @Override
        public ComponentFactory<Layer> factory() {
            return TestContexts.factory(ComponentKind.NORMALIZER, "batch-norm", Fakes.BatchNorm::new);
        }
    }

    @Nested
    class MseLoss implements LossContract {
        @Override
        public ComponentFactory<Loss> factory() {
            return TestContexts.factory(ComponentKind.LOSS, "mse", Fakes.Mse::new);
        }

        @Override
        public LossCheck.TargetKind targets() {
            return LossCheck.TargetKind.REGRESSION;
        }
    }

    @Nested
    class CrossEntropyLoss implements LossContract {
        @Override
        public ComponentFactory<Loss> factory() {
            return TestContexts.factory(ComponentKind.LOSS, "softmax-cross-entropy", () -> new Fakes.SoftmaxCrossEntropy(false));
        }
    }

    @Nested
    class NormalInitializer implements InitializerContract {
        @Override
        public ComponentFactory<Initializer> factory() {
            return ComponentFactory.of(ComponentKind.INITIALIZER, "normal", "normal(0, std)",
                    List.of(ParameterSpec.real("std", 0.05, "standard deviation").rangeExclusiveMin(0, 10)),
                    p -> new Fakes.NormalInit(p.getDouble("std")));
        }

        @Override
        public OptionalDouble expectedStd(Map<String, Object> params, Fan fan) {
            return OptionalDouble.of(0.05);
        }
    }

    @Nested
    class SgdOptimizer implements OptimizerContract {
        @Override
        public ComponentFactory<Optimizer> factory() {
            return ComponentFactory.of(ComponentKind.OPTIMIZER, "sgd", "stochastic gradient descent",
                    List.of(ParameterSpec.real("lr", 0.01, "learning rate").rangeExclusiveMin(0, 10)),
                    p -> new Fakes.Sgd(p.getDouble("lr")));
        }
    }

    /** The contracts' checks fail on broken components. */
    @Nested
    class BrokenComponents {
        @Test
        void wrongDerivativeFailsTheActivationContract() {
            ActivationContract contract = () -> TestContexts.factory(ComponentKind.ACTIVATION, "bad-tanh", () -> new Fakes.Tanh(1.1));
            assertThatThrownBy(contract::gradientCheckPasses).isInstanceOf(AssertionError.class).hasMessageContaining("bad-tanh");
        }

        @Test
        void aWrongMaxDerivativeFailsTheActivationContract() {
            ActivationContract contract = () -> TestContexts.factory(ComponentKind.ACTIVATION, "lazy-hard-sigmoid", () -> new io.gradlab.api.nn.ElementwiseActivation() {
                @Override
                protected Expr function(Expr x) {
                    return x.div(6).add(0.5).min(1).max(0);
                }

                @Override
                protected Expr derivative(Expr x, Expr y) {
                    return Expr.where(x.gt(-3).mul(x.lt(3)), 1.0 / 6, Expr.constant(0));
                }
            });
            assertThatThrownBy(contract::maxDerivativeIsTheLargestDerivative)
                    .hasMessageContaining("maxDerivative() says 1.0 but the largest derivative");
        }

        @Test
        void anExpressionThatOverflowsInFloat32FailsTheActivationContract() {
            ActivationContract contract = () -> TestContexts.factory(ComponentKind.ACTIVATION, "ratio-tanh", Fakes.RatioTanh::new);
            assertThatThrownBy(contract::kernelsComputeTheDefinition)
                    .hasMessageContaining("ratio-tanh {} F32 forward at x = ")
                    .hasMessageContaining("gives NaN where the definition gives 1.0");
        }

        @Test
        void kernelsThatDisagreeWithTheDefinitionFailTheActivationContract() {
            ActivationContract contract = new ActivationContract() {
                @Override
                public ComponentFactory<Activation> factory() {
                    return TestContexts.factory(ComponentKind.ACTIVATION, "tanh", Fakes.Tanh::new);
                }

                @Override
                public TestBuildContext context(DType dtype) {
                    return ActivationContract.super.context(dtype).withOps(new SloppyOps());
                }
            };
            assertThatThrownBy(contract::kernelsComputeTheDefinition).hasMessageContaining("tanh {} F32 forward at x = ");
        }

        @Test
        void aFalseRectifyingFamilyFailsTheActivationContract() {
            ActivationContract contract = () -> TestContexts.factory(ComponentKind.ACTIVATION, "claims-relu", () -> new Fakes.Tanh() {
                @Override
                public Family family() {
                    return Family.RECTIFYING;
                }
            });
            assertThatThrownBy(contract::familyMatchesTheFunction).hasMessageContaining("RECTIFYING");
        }

        @Test
        void aDefaultOutsideItsRangeFailsTheFactoryContract() {
            ActivationContract contract = () -> ComponentFactory.of(ComponentKind.ACTIVATION, "bad-default", "x",
                    List.of(ParameterSpec.real("alpha", 5.0, "a slope").range(0, 1)), p -> new Fakes.Tanh());
            assertThatThrownBy(contract::declaredParameterDefaultsAreAllowedValues)
                    .hasMessageContaining("bad-default: parameter 'alpha': default 5.0 is outside the allowed values [0, 1]");
        }

        @Test
        void anEmptyDescriptionFailsTheFactoryContract() {
            ActivationContract contract = () -> ComponentFactory.of(ComponentKind.ACTIVATION, "quiet", " ", List.of(), p -> new Fakes.Tanh());
            assertThatThrownBy(contract::factoryHasAValidIdKindAndDescription).hasMessageContaining("quiet: the description is empty");
        }

        @Test
        void aWeightGradientThatOverwritesFailsTheLayerContract() {
            LayerContract contract = () -> TestContexts.factory(ComponentKind.LAYER, "overwriting-dense", () -> new Fakes.Dense(2) {
                @Override
                protected void accGradParameters(io.gradlab.api.tensor.Tensor input, io.gradlab.api.tensor.Tensor gradOutput) {
                    for (io.gradlab.api.nn.Parameter p : parameters()) {
                        p.grad().fill(0.0);
                    }
                    super.accGradParameters(input, gradOutput);
                }
            });
            assertThatThrownBy(contract::backwardAddsParameterGradientsAndWritesTheInputGradient)
                    .hasMessageContaining("backward must add into Parameter.grad()");
        }

        @Test
        void anUnseededInitializerFailsTheInitializerContract() {
            InitializerContract contract = () -> ComponentFactory.of(ComponentKind.INITIALIZER, "unseeded", "ignores the random source", List.of(),
                    p -> (w, fan, random) -> {
                        java.util.Random r = new java.util.Random();
                        for (int i = 0; i < w.size(); i++) {
                            w.set(i, r.nextGaussian());
                        }
                    });
            assertThatThrownBy(contract::sameSeedGivesTheSameWeights).hasMessageContaining("the same seed must give the same result");
        }

        @Test
        void aZeroInitializerFailsSymmetryBreaking() {
            InitializerContract contract = () -> ComponentFactory.of(ComponentKind.INITIALIZER, "zeros", "zeros", List.of(), p -> (w, fan, random) -> w.fill(0));
            assertThatThrownBy(contract::weightsBreakSymmetry).hasMessageContaining("symmetry");
        }

        @Test
        void anOptimizerThatTouchesFrozenParametersFailsTheOptimizerContract() {
            OptimizerContract contract = () -> ComponentFactory.of(ComponentKind.OPTIMIZER, "careless", "ignores trainable", List.of(),
                    p -> new Fakes.Sgd(0.1, false));
            assertThatThrownBy(contract::frozenParametersAreLeftAlone).hasMessageContaining("a frozen parameter (trainable == false) after 3 steps");
        }
    }

    /** The reference kernels with every float32 result of {@code map} off by 1e-4 relative: a broken engine. */
    private static final class SloppyOps implements Ops {
        private final Ops reference = ReferenceOps.float32Steps();

        @Override
        public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
            reference.gemm(transA, transB, alpha, a, b, beta, c);
        }

        @Override
        public void linear(Tensor x, Tensor w, Tensor bias, Tensor y) {
            reference.linear(x, w, bias, y);
        }

        @Override
        public void map(Elementwise program, double[] scalars, Tensor... args) {
            reference.map(program, scalars, args);
            Tensor target = args[program.firstTarget()];
            if (target.dtype() == DType.F32) {
                for (int i = 0; i < target.size(); i++) {
                    target.set(i, target.get(i) * (1 + 1e-4));
                }
            }
        }

        @Override
        public void mapEach(Elementwise program, double[] scalars, TensorGroup... groups) {
            reference.mapEach(program, scalars, groups);
        }

        @Override
        public void columnSums(Expr e, double beta, Tensor out, double[] scalars, Tensor... args) {
            reference.columnSums(e, beta, out, scalars, args);
        }

        @Override
        public void rowSums(Expr e, double beta, Tensor out, double[] scalars, Tensor... args) {
            reference.rowSums(e, beta, out, scalars, args);
        }

        @Override
        public double sum(Expr e, double[] scalars, Tensor... args) {
            return reference.sum(e, scalars, args);
        }

        @Override
        public void sumEach(Expr e, double[] out, double[] scalars, TensorGroup... groups) {
            reference.sumEach(e, out, scalars, groups);
        }

        @Override
        public void parallelFor(int count, java.util.function.IntConsumer part) {
            reference.parallelFor(count, part);
        }

        @Override
        public int threads() {
            return 1;
        }

        @Override
        public String backend() {
            return "sloppy";
        }
    }
}
