package io.gradlab.plugins.recurrent;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.plugins.recurrent.ReferenceCells.Cell;
import io.gradlab.plugins.recurrent.ReferenceCells.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gradient checks of the three cells in float64: the analytic input and parameter gradients (W_ih,
 * W_hh and both biases) against fourth-order central differences of the layer's own forward pass,
 * many-to-one and many-to-many, and with truncation against the truncated reference.
 */
class RecurrentGradientTest {
    private static final int BATCH = 3;
    private static final int STEPS = 7;
    private static final int FEATURES = 2;
    private static final int HIDDEN = 4;
    private static final double H = 1e-3;
    private static final double THRESHOLD = 1e-6;

    static Stream<Arguments> cells() {
        List<Arguments> out = new ArrayList<>();
        for (Cell cell : List.of(Cell.RNN_TANH, Cell.RNN_IDENTITY, Cell.LSTM, Cell.GRU)) {
            out.add(Arguments.of(cell, false));
            out.add(Arguments.of(cell, true));
        }
        return out.stream();
    }

    static Stream<Arguments> allCells() {
        List<Arguments> out = new ArrayList<>();
        for (Cell cell : Cell.values()) {
            out.add(Arguments.of(cell, false));
            out.add(Arguments.of(cell, true));
        }
        return out.stream();
    }

    static Stream<Arguments> truncated() {
        List<Arguments> out = new ArrayList<>();
        for (Cell cell : List.of(Cell.RNN_TANH, Cell.LSTM, Cell.GRU)) {
            for (int k : new int[] {1, 3}) {
                out.add(Arguments.of(cell, false, k));
                out.add(Arguments.of(cell, true, k));
            }
        }
        return out.stream();
    }

    static RecurrentLayer layer(Cell cell, RecurrentConfig config) {
        return switch (cell) {
            case RNN_TANH -> new RnnLayer("rnn", config, RnnLayer.Activation.TANH);
            case RNN_IDENTITY -> new RnnLayer("rnn", config, RnnLayer.Activation.IDENTITY);
            case RNN_RELU -> new RnnLayer("rnn", config, RnnLayer.Activation.RELU);
            case LSTM -> new LstmLayer("lstm", config, 1.0);
            case GRU -> new GruLayer("gru", config);
        };
    }

    /** A built layer with every parameter drawn from N(0, 0.5^2), biases included. */
    static RecurrentLayer randomLayer(Cell cell, boolean sequences, int truncate, long seed) {
        RecurrentConfig config = new RecurrentConfig(HIDDEN, STEPS, 0, sequences, truncate, RecurrentInit.ORTHOGONAL, 1.0);
        RecurrentLayer layer = layer(cell, config);
        layer.build(STEPS * FEATURES, new TestSupport.Context(DType.F64, seed, 0.5));
        SeededRandom random = TestSupport.random(seed + 1);
        for (Parameter p : layer.parameters()) {
            for (int i = 0; i < p.value().size(); i++) {
                p.value().set(i, 0.5 * random.nextGaussian());
            }
        }
        return layer;
    }

    static Weights weights(RecurrentLayer layer) {
        return new Weights(layer.weightIh().value().toDoubleArray(), layer.weightHh().value().toDoubleArray(),
                layer.biasIh().value().toDoubleArray(), layer.biasHh().value().toDoubleArray());
    }

    private static double objective(RecurrentLayer layer, Tensor x, Tensor r) {
        Tensor y = layer.forward(x, Mode.TRAIN);
        double s = 0;
        for (int i = 0; i < y.size(); i++) {
            s += r.get(i) * y.get(i);
        }
        return s;
    }

    /** The fourth-order central difference of {@code f} in the element {@code i} of {@code values}. */
    private static double derivative(double[] values, int i, ToDoubleFunction<double[]> f) {
        double v = values[i];
        double[] shifted = values.clone();
        double[] fx = new double[4];
        double[] offsets = {2 * H, H, -H, -2 * H};
        for (int k = 0; k < 4; k++) {
            shifted[i] = v + offsets[k];
            fx[k] = f.applyAsDouble(shifted);
        }
        return (-fx[0] + 8 * fx[1] - 8 * fx[2] + fx[3]) / (12 * H);
    }

    private static double relativeError(double analytic, double numeric) {
        return Math.abs(analytic - numeric) / Math.max(Math.abs(analytic) + Math.abs(numeric), 1e-6);
    }

    private static void setAll(Tensor t, double[] values) {
        for (int i = 0; i < values.length; i++) {
            t.set(i, values[i]);
        }
    }

    @ParameterizedTest(name = "{0} sequences={1}")
    @MethodSource("allCells")
    void theForwardPassMatchesTheReferenceCells(Cell cell, boolean sequences) {
        RecurrentLayer layer = randomLayer(cell, sequences, 0, 11);
        Tensor x = TestSupport.normal(DType.F64, TestSupport.random(5), 1.0, BATCH, STEPS * FEATURES);
        Tensor y = layer.forward(x, Mode.TRAIN);
        ReferenceCells ref = new ReferenceCells(cell, BATCH, STEPS, FEATURES, HIDDEN);
        ReferenceCells.Run run = ref.run(weights(layer), x.toDoubleArray(), 0, STEPS, ref.zeros(), ref.zeros());
        for (int b = 0; b < BATCH; b++) {
            for (int t = 0; t < STEPS; t++) {
                if (!sequences && t < STEPS - 1) {
                    continue;
                }
                for (int j = 0; j < HIDDEN; j++) {
                    double actual = sequences ? y.get(b, t * HIDDEN + j) : y.get(b, j);
                    assertThat(actual).as("b=%d t=%d j=%d", b, t, j).isCloseTo(run.h()[t][b][j], org.assertj.core.data.Offset.offset(1e-12));
                }
            }
        }
        assertThat(y.cols()).isEqualTo(sequences ? STEPS * HIDDEN : HIDDEN);
    }

    @ParameterizedTest(name = "{0} sequences={1}")
    @MethodSource("cells")
    void analyticGradientsMatchCentralDifferences(Cell cell, boolean sequences) {
        RecurrentLayer layer = randomLayer(cell, sequences, 0, 21);
        Tensor x = TestSupport.normal(DType.F64, TestSupport.random(7), 1.0, BATCH, STEPS * FEATURES);
        Tensor r = TestSupport.normal(DType.F64, TestSupport.random(8), 1.0, BATCH, layer.build(STEPS * FEATURES, null));
        for (Parameter p : layer.parameters()) {
            p.grad().fill(0);
        }
        layer.forward(x, Mode.TRAIN);
        Tensor gradInput = layer.backward(r).copy();
        double worst = 0;
        double[] xs = x.toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            double numeric = derivative(xs, i, v -> {
                setAll(x, v);
                return objective(layer, x, r);
            });
            setAll(x, xs);
            worst = Math.max(worst, relativeError(gradInput.get(i), numeric));
        }
        assertThat(worst).as("input gradient").isLessThanOrEqualTo(THRESHOLD);
        for (Parameter p : layer.parameters()) {
            double[] values = p.value().toDoubleArray();
            double worstParam = 0;
            double largest = 0;
            for (int i = 0; i < values.length; i++) {
                double numeric = derivative(values, i, v -> {
                    setAll(p.value(), v);
                    return objective(layer, x, r);
                });
                setAll(p.value(), values);
                worstParam = Math.max(worstParam, relativeError(p.grad().get(i), numeric));
                largest = Math.max(largest, Math.abs(numeric));
            }
            assertThat(largest).as(p.name() + " has a visible gradient").isGreaterThan(1e-3);
            assertThat(worstParam).as(p.name()).isLessThanOrEqualTo(THRESHOLD);
        }
    }

    @ParameterizedTest(name = "{0} sequences={1} truncate={2}")
    @MethodSource("truncated")
    void truncatedGradientsMatchTheTruncatedReference(Cell cell, boolean sequences, int k) {
        RecurrentLayer layer = randomLayer(cell, sequences, k, 31);
        Tensor x = TestSupport.normal(DType.F64, TestSupport.random(9), 1.0, BATCH, STEPS * FEATURES);
        int outputs = sequences ? STEPS * HIDDEN : HIDDEN;
        Tensor r = TestSupport.normal(DType.F64, TestSupport.random(10), 1.0, BATCH, outputs);
        for (Parameter p : layer.parameters()) {
            p.grad().fill(0);
        }
        layer.forward(x, Mode.TRAIN);
        Tensor gradInput = layer.backward(r).copy();
        ReferenceCells ref = new ReferenceCells(cell, BATCH, STEPS, FEATURES, HIDDEN);
        Weights base = weights(layer);
        double[] xs = x.toDoubleArray();
        double[] rs = r.toDoubleArray();
        double worst = 0;
        for (int i = 0; i < xs.length; i++) {
            double numeric = derivative(xs, i, v -> ref.truncatedLoss(base, v, base, xs, rs, sequences, k));
            worst = Math.max(worst, relativeError(gradInput.get(i), numeric));
        }
        assertThat(worst).as("input gradient").isLessThanOrEqualTo(THRESHOLD);
        List<Parameter> params = layer.parameters();
        for (int which = 0; which < 4; which++) {
            int w = which;
            double[] values = base.get(which);
            double worstParam = 0;
            for (int i = 0; i < values.length; i++) {
                double numeric = derivative(values, i, v -> {
                    Weights changed = base.copy();
                    System.arraycopy(v, 0, changed.get(w), 0, v.length);
                    return ref.truncatedLoss(changed, xs, base, xs, rs, sequences, k);
                });
                worstParam = Math.max(worstParam, relativeError(params.get(which).grad().get(i), numeric));
            }
            assertThat(worstParam).as(params.get(which).name()).isLessThanOrEqualTo(THRESHOLD);
        }
        assertThat(layer.exactGradient()).isFalse();
        assertThat(randomLayer(cell, sequences, 0, 31).exactGradient()).isTrue();
        assertThat(randomLayer(cell, sequences, STEPS, 31).exactGradient()).isTrue();
        // truncation really cuts: the full gradient differs from the truncated one
        double full = derivative(xs, 0, v -> ref.fullLoss(base, v, rs, sequences));
        double truncatedAtStart = gradInput.get(0);
        assertThat(Math.abs(full - truncatedAtStart)).isGreaterThan(1e-6);
    }
}
