package io.gradlab.plugins.remedies.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.testkit.TestContexts;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InitializersTest {
    static Initializer create(String id, Map<String, Object> params) {
        ComponentFactory<Initializer> f = InitializerFactories.all().stream().filter(x -> x.id().value().equals(id)).findFirst().orElseThrow();
        return TestContexts.create(f, params);
    }

    static Tensor draw(String id, Map<String, Object> params, Fan fan) {
        Tensor w = Tensor.zeros(DType.F64, fan.fanOut(), fan.fanIn());
        create(id, params).initialize(w, fan, new SeededRandom(5));
        return w;
    }

    static double std(Tensor w) {
        double mean = 0;
        for (int i = 0; i < w.size(); i++) {
            mean += w.get(i) / w.size();
        }
        double ss = 0;
        for (int i = 0; i < w.size(); i++) {
            ss += (w.get(i) - mean) * (w.get(i) - mean);
        }
        return Math.sqrt(ss / (w.size() - 1));
    }

    @Test
    void gainsAreThoseOfPyTorch() {
        assertThat(Gains.of("relu", 0.01, "t")).isEqualTo(Math.sqrt(2));
        assertThat(Gains.of("leaky_relu", 0.01, "t")).isEqualTo(Math.sqrt(2 / (1 + 1e-4)));
        assertThat(Gains.of("leaky-relu", 0.2, "t")).isEqualTo(Math.sqrt(2 / 1.04));
        assertThat(Gains.of("tanh", 0.01, "t")).isEqualTo(5.0 / 3);
        assertThat(Gains.of("selu", 0.01, "t")).isEqualTo(0.75);
        assertThat(Gains.of("sigmoid", 0.01, "t")).isEqualTo(1.0);
        assertThat(Gains.of("linear", 0.01, "t")).isEqualTo(1.0);
        assertThatThrownBy(() -> Gains.of("gelu", 0.01, "he-normal")).isInstanceOf(GradlabException.class)
                .hasMessageContaining("he-normal").hasMessageContaining("'gelu'").hasMessageContaining("nonlinearity");
    }

    @Test
    void standardDeviationsFollowTheFormulas() {
        Fan fan = new Fan(300, 200, "relu");
        assertThat(std(draw("xavier-normal", Map.of(), fan))).isCloseTo(Math.sqrt(2.0 / 500), within(0.02 * Math.sqrt(2.0 / 500)));
        assertThat(std(draw("xavier-uniform", Map.of("gain", 2.0), fan))).isCloseTo(2 * Math.sqrt(2.0 / 500), within(0.04 * Math.sqrt(2.0 / 500)));
        assertThat(std(draw("he-normal", Map.of(), fan))).isCloseTo(Math.sqrt(2.0 / 300), within(0.02 * Math.sqrt(2.0 / 300)));
        assertThat(std(draw("he-uniform", Map.of("mode", "fan-out"), fan))).isCloseTo(Math.sqrt(2.0 / 200), within(0.02 * Math.sqrt(2.0 / 200)));
        assertThat(std(draw("he-normal", Map.of("nonlinearity", "tanh"), fan))).isCloseTo(5.0 / 3 / Math.sqrt(300), within(0.04 / Math.sqrt(300)));
        assertThat(std(draw("he-normal", Map.of(), new Fan(300, 200, "sigmoid")))).isCloseTo(1 / Math.sqrt(300), within(0.02 / Math.sqrt(300)));
        assertThat(std(draw("lecun-normal", Map.of(), fan))).isCloseTo(1 / Math.sqrt(300), within(0.02 / Math.sqrt(300)));
        Tensor u = draw("he-uniform", Map.of(), fan);
        double bound = Math.sqrt(2) * Math.sqrt(3.0 / 300);
        for (int i = 0; i < u.size(); i++) {
            assertThat(Math.abs(u.get(i))).isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void heNeedsAKnownNonlinearity() {
        assertThatThrownBy(() -> draw("he-normal", Map.of(), new Fan(4, 4, "swish"))).hasMessageContaining("'swish'");
        assertThat(std(draw("he-normal", Map.of("nonlinearity", "relu"), new Fan(400, 400, "swish")))).isCloseTo(Math.sqrt(2.0 / 400), within(0.002));
    }

    @Test
    void zerosAndConstantAreExact() {
        Tensor z = draw("zeros", Map.of(), new Fan(3, 2, "linear"));
        assertThat(z.toDoubleArray()).containsOnly(0.0);
        Tensor c = draw("constant", Map.of("value", 0.25), new Fan(3, 2, "linear"));
        assertThat(c.toDoubleArray()).containsOnly(0.25);
        Tensor b = Tensor.of(DType.F64, new double[] {7, 7}, 2);
        create("constant", Map.of("value", 0.25)).initializeBias(b, new Fan(3, 2, "linear"), new SeededRandom(1));
        assertThat(b.toDoubleArray()).containsOnly(0.0);
    }

    @Test
    void orthogonalGivesOrthonormalRowsOrColumnsTimesGain() {
        for (int[] shape : new int[][] {{5, 9}, {9, 5}, {6, 6}}) {
            Tensor w = draw("orthogonal", Map.of("gain", 2.0), new Fan(shape[1], shape[0], "linear"));
            int rows = shape[0];
            int cols = shape[1];
            boolean wide = rows <= cols;
            int k = wide ? rows : cols;
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    double dot = 0;
                    for (int t = 0; t < (wide ? cols : rows); t++) {
                        dot += wide ? w.get(i, t) * w.get(j, t) : w.get(t, i) * w.get(t, j);
                    }
                    assertThat(dot).as("%dx%d (%d, %d)", rows, cols, i, j).isCloseTo(i == j ? 4.0 : 0.0, within(1e-12));
                }
            }
        }
    }

    @Test
    void orthogonalIsTheSignCorrectedQrFactorOfTheGaussianDraw() {
        // the same Gaussian matrix, as PyTorch draws it: Q R = A with diag(R) > 0, so Q^T A is upper triangular with a positive diagonal
        int rows = 6;
        int cols = 4;
        SeededRandom r = new SeededRandom(5);
        double[] a = new double[rows * cols];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextGaussian();
        }
        Tensor q = draw("orthogonal", Map.of(), new Fan(cols, rows, "linear"));
        for (int i = 0; i < cols; i++) {
            for (int j = 0; j < cols; j++) {
                double rij = 0;
                for (int t = 0; t < rows; t++) {
                    rij += q.get(t, i) * a[t * cols + j];
                }
                if (i > j) {
                    assertThat(rij).isCloseTo(0, within(1e-12));
                } else if (i == j) {
                    assertThat(rij).isPositive();
                }
            }
        }
    }
}
