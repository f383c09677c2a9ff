package io.gradlab.plugins.recurrent;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.plugins.recurrent.ReferenceCells.Cell;
import io.gradlab.plugins.recurrent.ReferenceCells.Grads;
import io.gradlab.testkit.ReferenceOps;
import io.gradlab.testkit.SplitOps;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The layers' outputs, every gradient (input, W_ih, W_hh, both biases) and the per-step norms
 * ||dL/dh_t|| against {@link ReferenceCells#backward}, backpropagation through time written out per
 * element in float64: to 1e-12 in float64, to float precision in float32, for every cell, many-to-one
 * and many-to-many, with and without truncation. A batch split over several kernel threads gives the
 * same bits as one thread.
 */
class BackpropagationThroughTimeTest {
    private static final int STEPS = 6;
    private static final int FEATURES = 3;
    private static final int HIDDEN = 5;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Cell cell : Cell.values()) {
            for (boolean sequences : new boolean[] {false, true}) {
                for (int truncate : new int[] {0, 4}) {
                    out.add(Arguments.of(cell, sequences, truncate));
                }
            }
        }
        return out.stream();
    }

    static Stream<Arguments> gated() {
        List<Arguments> out = new ArrayList<>();
        for (Cell cell : List.of(Cell.LSTM, Cell.GRU, Cell.RNN_TANH)) {
            for (boolean sequences : new boolean[] {false, true}) {
                out.add(Arguments.of(cell, sequences));
            }
        }
        return out.stream();
    }

    private static RecurrentLayer layer(Cell cell, boolean sequences, int truncate, DType dtype, Ops ops) {
        RecurrentConfig config = new RecurrentConfig(HIDDEN, STEPS, 0, sequences, truncate, RecurrentInit.ORTHOGONAL, 1.0);
        RecurrentLayer layer = RecurrentGradientTest.layer(cell, config);
        layer.build(STEPS * FEATURES, new TestSupport.Context(dtype, ops, 3, 0.5));
        SeededRandom random = TestSupport.random(4);
        for (Parameter p : layer.parameters()) {
            for (int i = 0; i < p.value().size(); i++) {
                p.value().set(i, 0.4 * random.nextGaussian());
            }
        }
        return layer;
    }

    private record Result(double[] output, double[] gradInput, List<double[]> grads, double[] norms) {}

    private static Result run(RecurrentLayer layer, Tensor x, Tensor r) {
        for (Parameter p : layer.parameters()) {
            p.grad().fill(0);
        }
        double[] y = layer.forward(x, Mode.TRAIN).toDoubleArray();
        double[] gx = layer.backward(r).toDoubleArray();
        List<double[]> grads = new ArrayList<>();
        for (Parameter p : layer.parameters()) {
            grads.add(p.grad().toDoubleArray());
        }
        return new Result(y, gx, grads, layer.lastGradientNorms());
    }

    private static void assertClose(String what, double[] expected, double[] actual, double tolerance) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            assertThat(Math.abs(actual[i] - expected[i])).as("%s[%d]: %s vs %s", what, i, actual[i], expected[i])
                    .isLessThanOrEqualTo(tolerance * scale);
        }
    }

    private static double[] outputs(ReferenceCells ref, RecurrentLayer layer, double[] x, int batch, boolean sequences) {
        ReferenceCells.Run run = ref.run(RecurrentGradientTest.weights(layer), x, 0, STEPS, ref.zeros(), ref.zeros());
        double[] y = new double[batch * (sequences ? STEPS * HIDDEN : HIDDEN)];
        for (int b = 0; b < batch; b++) {
            for (int t = sequences ? 0 : STEPS - 1; t < STEPS; t++) {
                for (int j = 0; j < HIDDEN; j++) {
                    y[sequences ? b * STEPS * HIDDEN + t * HIDDEN + j : b * HIDDEN + j] = run.h()[t][b][j];
                }
            }
        }
        return y;
    }

    private static void check(Cell cell, boolean sequences, int truncate, DType dtype, int batch, double tolerance) {
        RecurrentLayer layer = layer(cell, sequences, truncate, dtype, new ReferenceOps());
        Tensor x = TestSupport.normal(dtype, TestSupport.random(5), 1.0, batch, STEPS * FEATURES);
        Tensor r = TestSupport.normal(dtype, TestSupport.random(6), 1.0, batch, sequences ? STEPS * HIDDEN : HIDDEN);
        Result actual = run(layer, x, r);
        ReferenceCells ref = new ReferenceCells(cell, batch, STEPS, FEATURES, HIDDEN);
        double[] xs = x.toDoubleArray();
        Grads expected = ref.backward(RecurrentGradientTest.weights(layer), xs, r.toDoubleArray(), sequences, truncate);
        assertClose("output", outputs(ref, layer, xs, batch, sequences), actual.output(), tolerance);
        assertClose("input gradient", expected.dx(), actual.gradInput(), tolerance);
        assertClose("weight_ih gradient", expected.dwih(), actual.grads().get(0), tolerance);
        assertClose("weight_hh gradient", expected.dwhh(), actual.grads().get(1), tolerance);
        assertClose("bias_ih gradient", expected.dbih(), actual.grads().get(2), tolerance);
        assertClose("bias_hh gradient", expected.dbhh(), actual.grads().get(3), tolerance);
        assertClose("||dL/dh_t||", expected.stepNorms(), actual.norms(), tolerance);
    }

    @ParameterizedTest(name = "{0} sequences={1} truncate={2}")
    @MethodSource("cases")
    void float64MatchesThePerElementReference(Cell cell, boolean sequences, int truncate) {
        check(cell, sequences, truncate, DType.F64, 3, 1e-12);
    }

    @ParameterizedTest(name = "{0} sequences={1} truncate={2}")
    @MethodSource("cases")
    void float32MatchesThePerElementReferenceToFloatPrecision(Cell cell, boolean sequences, int truncate) {
        check(cell, sequences, truncate, DType.F32, 3, 2e-5);
    }

    @ParameterizedTest(name = "{0} sequences={1}")
    @MethodSource("gated")
    void aBatchSplitOverThreadsGivesTheSameBitsAsOneThread(Cell cell, boolean sequences) {
        for (DType dtype : DType.values()) {
            int batch = 40; // three parts of 16, 16 and 8 rows with three threads
            Tensor x = TestSupport.normal(dtype, TestSupport.random(7), 1.0, batch, STEPS * FEATURES);
            Tensor r = TestSupport.normal(dtype, TestSupport.random(8), 1.0, batch, sequences ? STEPS * HIDDEN : HIDDEN);
            Result one = run(layer(cell, sequences, 0, dtype, new ReferenceOps()), x, r);
            SplitOps three = SplitOps.reversed(3);
            Result split = run(layer(cell, sequences, 0, dtype, three), x, r);
            assertThat(three.parts()).as("parts run by parallelFor").isGreaterThanOrEqualTo(6);
            assertThat(split.output()).isEqualTo(one.output());
            assertThat(split.gradInput()).isEqualTo(one.gradInput());
            for (int i = 0; i < one.grads().size(); i++) {
                assertThat(split.grads().get(i)).isEqualTo(one.grads().get(i));
            }
            assertThat(split.norms()).isEqualTo(one.norms());
        }
    }
}
