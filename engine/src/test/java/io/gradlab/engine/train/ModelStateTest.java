package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.diag.LayerView;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.Optimizer;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.nn.ActivationLayer;
import io.gradlab.engine.nn.DefaultBuildContext;
import io.gradlab.engine.nn.Dense;
import io.gradlab.engine.nn.Sequential;
import io.gradlab.testkit.ReferenceOps;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The engine's figures, each measured in {@link ModelState}: per step, per epoch, on the BLAS path and through plain {@link Ops}. */
class ModelStateTest {
    /** Weight element {@code i} is {@code 0.1 (i + 1)}: known norms. */
    private static final Initializer RAMP = (w, fan, random) -> {
        for (int i = 0; i < w.size(); i++) {
            w.set(i, 0.1 * (i + 1));
        }
    };

    private static final class Linear extends ElementwiseActivation {
        @Override
        protected Expr function(Expr x) {
            return x;
        }

        @Override
        protected Expr derivative(Expr x, Expr y) {
            return Expr.constant(1);
        }
    }

    /** Multiplies every trainable weight and bias by {@code 1 + rate}: an update ratio of {@code rate / (1 + rate)}. */
    private static final class Grow implements Optimizer {
        private final double rate;
        private List<Parameter> parameters = List.of();

        Grow(double rate) {
            this.rate = rate;
        }

        @Override
        public void bind(List<Parameter> parameters, Ops ops) {
            this.parameters = parameters;
        }

        @Override
        public void step() {
            for (Parameter p : parameters) {
                if (p.trainable()) {
                    Tensor v = p.value();
                    for (int i = 0; i < v.size(); i++) {
                        v.set(i, v.get(i) * (1 + rate));
                    }
                }
            }
        }

        @Override
        public double learningRate() {
            return rate;
        }

        @Override
        public void setLearningRate(double learningRate) {}
    }

    /** The optimizer bound to the state's parameters, as the session binds it. */
    private static Optimizer grow(ModelState state, double rate) {
        Grow g = new Grow(rate);
        g.bind(state.parameters(), null);
        return g;
    }

    static Stream<Arguments> kernels() {
        return Stream.of(Arguments.of(DType.F32, new BlasOps()), Arguments.of(DType.F64, new BlasOps()),
                Arguments.of(DType.F32, new ReferenceOps()), Arguments.of(DType.F64, new ReferenceOps()));
    }

    private static Layer model(DType dtype, Ops ops) {
        Layer model = new Sequential("model", List.of(new Dense("hidden1", 3, true, RAMP, null, "linear"),
                new ActivationLayer("act1", "linear", new Linear()), new Dense("output", 2, true, RAMP, null, "linear")));
        model.build(4, new DefaultBuildContext(dtype, ops, new SeededRandom(1), RAMP, null));
        return model;
    }

    static ModelState bound(DType dtype, Ops ops) {
        ModelState state = new ModelState(dtype, ops, 5);
        state.bind(model(dtype, ops), null);
        return state;
    }

    /** Every weight gradient set to {@code value}; biases to 100 (never part of a weight figure). */
    private static void gradients(ModelState state, double value) {
        for (Parameter p : state.parameters()) {
            p.grad().fill(p.role() == Parameter.Role.WEIGHT ? value : 100);
        }
    }

    @Test
    void theViewHasTheLeavesTheWeightedLayersAndThePosition() {
        ModelState state = bound(DType.F32, new BlasOps());
        assertThat(state.layers()).extracting(LayerView::name).containsExactly("hidden1", "act1", "output");
        assertThat(state.layers().get(1).activation()).isInstanceOf(Linear.class);
        assertThat(state.weightedLayers()).extracting(LayerView::name).containsExactly("hidden1", "output");
        assertThat(state.parameters()).hasSize(4);
        assertThat(state.epochs()).isEqualTo(5);
        assertThat(state.nextEpoch()).isEqualTo(1);
        state.nextStep();
        state.nextStep();
        assertThat(state.step()).isEqualTo(2);
        state.restoreStep(40);
        assertThat(state.step()).isEqualTo(40);
        assertThat(state.loss()).isNaN();
        state.setLoss(0.5);
        assertThat(state.loss()).isEqualTo(0.5);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kernels")
    void gradientNormsArePerStepAndAveragedOverTheEpoch(DType dtype, Ops ops) {
        ModelState state = bound(dtype, ops);
        state.startEpoch(4);
        assertThat(state.epochWeightGradNorm(0)).as("before the epoch's first step").isNaN();
        gradients(state, 1);
        state.measureGradients();
        assertThat(state.weightGradNorm(0)).isCloseTo(Math.sqrt(12), within(1e-6)); // 3 x 4 ones
        assertThat(state.weightGradNorms()).containsExactly(new double[] {Math.sqrt(12), Math.sqrt(6)}, within(1e-6));
        gradients(state, 3);
        state.measureGradients();
        assertThat(state.epochWeightGradNorm(0)).isCloseTo(2 * Math.sqrt(12), within(1e-6));
        assertThat(state.epochWeightGradNorm(1)).isCloseTo(2 * Math.sqrt(6), within(1e-6));

        state.startEpoch(4);
        assertThat(state.epochWeightGradNorm(1)).as("a new epoch starts again").isNaN();
        assertThat(state.weightGradNorm(1)).as("the last step's norms stay").isCloseTo(3 * Math.sqrt(6), within(1e-6));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kernels")
    void theUpdateRatioIsMeasuredOnEvenlySpacedSteps(DType dtype, Ops ops) {
        ModelState state = bound(dtype, ops);
        int steps = ModelState.UPDATE_RATIO_SAMPLES * 3; // every third step is measured
        state.startEpoch(steps);
        assertThat(state.epochUpdateRatio(0)).isNaN();
        assertThat(state.updateRatioMean(0)).isZero();
        state.step(grow(state, 0.01), 0); // measured: 0.01 / 1.01
        state.step(grow(state, 0.5), 1); // not measured
        state.step(grow(state, 0.5), 2); // not measured
        state.step(grow(state, 0.03), 3); // measured: 0.03 / 1.03
        double expected = (0.01 / 1.01 + 0.03 / 1.03) / 2;
        double tolerance = dtype == DType.F32 ? 1e-6 : 1e-12;
        for (int i = 0; i < 2; i++) {
            assertThat(state.epochUpdateRatio(i)).isCloseTo(expected, within(tolerance));
            assertThat(state.updateRatioMean(i)).isEqualTo(state.epochUpdateRatio(i));
        }
        // the weights moved by every step, measured or not
        assertThat(state.weightNorm(1)).isCloseTo(norm(6) * 1.01 * 1.5 * 1.5 * 1.03, within(tolerance * 10));

        state.startEpoch(1); // short epochs: every step
        state.step(grow(state, 0.02), 0);
        assertThat(state.epochUpdateRatio(0)).isCloseTo(0.02 / 1.02, within(tolerance));
    }

    /** The norm of {@code 0.1, 0.2, ..., 0.1 n}. */
    private static double norm(int n) {
        double s = 0;
        for (int i = 1; i <= n; i++) {
            s += 0.01 * i * i;
        }
        return Math.sqrt(s);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kernels")
    void theSignalIsTheNormOfTheGradientThatReachesEachWeightedLayersOutputAveragedOverTheEpoch(DType dtype, Ops ops) {
        ModelState state = bound(dtype, ops);
        Layer hidden1 = state.layers().get(0).layer();
        Layer act1 = state.layers().get(1).layer();
        Layer output = state.layers().get(2).layer();
        state.startEpoch(2);
        assertThat(state.epochSignalNorm(0)).as("before the epoch's first step").isNaN();
        Tensor x = Tensor.zeros(dtype, 2, 4);
        x.fill(1);
        Tensor g = Tensor.zeros(dtype, 2, 2);
        g.set(0, 0, 1);
        g.set(1, 1, -2);
        double[] expected = new double[2];
        for (int step = 1; step <= 2; step++) {
            output.forward(act1.forward(hidden1.forward(x, Mode.TRAIN), Mode.TRAIN), Mode.TRAIN);
            hidden1.backward(act1.backward(output.backward(g)));
            state.measureGradients();
            // the output layer receives g; hidden1 receives g times the output weight [2, 3] (through the linear activation)
            Tensor w = output.parameters().get(0).value();
            double hidden = 0;
            for (int r = 0; r < 2; r++) {
                for (int c = 0; c < 3; c++) {
                    double v = g.get(r, 0) * w.get(0, c) + g.get(r, 1) * w.get(1, c);
                    hidden += v * v;
                }
            }
            expected[0] += Math.sqrt(hidden) / 2;
            expected[1] += Math.sqrt(5) / 2;
        }
        double tolerance = dtype == DType.F32 ? 1e-5 : 1e-12;
        assertThat(state.epochSignalNorm(0)).isCloseTo(expected[0], within(tolerance));
        assertThat(state.epochSignalNorm(1)).isCloseTo(expected[1], within(tolerance));
        state.startEpoch(2);
        assertThat(state.epochSignalNorm(1)).as("a new epoch starts again").isNaN();
    }

    @Test
    void aFrozenOrAllZeroWeightHasAnUpdateRatioOfZero() {
        ModelState state = bound(DType.F32, new BlasOps());
        state.weightedLayers().get(0).weight().setTrainable(false);
        state.weightedLayers().get(1).weight().value().fill(0);
        state.startEpoch(1);
        state.step(grow(state, 0.1), 0);
        assertThat(state.epochUpdateRatio(0)).isZero();
        assertThat(state.epochUpdateRatio(1)).isZero();
    }

    @Test
    void bothKernelPathsGiveTheSameFigures() {
        double[][] figures = new double[2][];
        Ops[] kernels = {new BlasOps(), new ReferenceOps()};
        for (int k = 0; k < 2; k++) {
            ModelState state = bound(DType.F32, kernels[k]);
            state.startEpoch(1);
            gradients(state, 0.25);
            state.measureGradients();
            state.step(grow(state, 0.004), 0);
            figures[k] = new double[] {state.epochWeightGradNorm(0), state.epochWeightGradNorm(1), state.epochUpdateRatio(0),
                    state.epochUpdateRatio(1), state.weightNorm(0), state.weightNorm(1)};
        }
        assertThat(figures[1]).containsExactly(figures[0], within(1e-6));
    }

    @Test
    void bindingAnotherModelStartsItsFiguresAfresh() {
        ModelState state = bound(DType.F32, new BlasOps());
        state.startEpoch(1);
        gradients(state, 1);
        state.measureGradients();
        Layer bigger = new Sequential("model", List.of(new Dense("a", 2, true, RAMP, null, "linear"),
                new Dense("b", 2, true, RAMP, null, "linear"), new Dense("c", 2, true, RAMP, null, "linear")));
        bigger.build(4, new DefaultBuildContext(DType.F32, new BlasOps(), new SeededRandom(1), RAMP, null));
        state.bind(bigger, null);
        assertThat(state.weightedLayers()).extracting(LayerView::name).containsExactly("a", "b", "c");
        assertThat(state.weightGradNorms()).containsExactly(0, 0, 0);
        state.startEpoch(1);
        assertThat(state.epochWeightGradNorm(2)).isNaN();
    }
}
