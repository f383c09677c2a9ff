package io.gradlab.engine.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.kernel.BlasOps;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed steps of PyTorch's SGD with a constant gradient of 2 on a weight starting at 1. */
class SgdTest {
    private static double[] run(Sgd sgd, int steps) {
        Parameter w = new Parameter("weight", Parameter.Role.WEIGHT, Tensor.of(DType.F64, new double[] {1.0}, 1));
        sgd.bind(List.of(w), new BlasOps());
        double[] out = new double[steps];
        for (int i = 0; i < steps; i++) {
            w.grad().fill(2.0);
            sgd.step();
            out[i] = w.value().get(0);
        }
        return out;
    }

    @Test
    void plainStep() {
        assertThat(run(new Sgd(0.1, 0, false, 0), 2)).containsExactly(new double[] {0.8, 0.6}, within(1e-12));
    }

    @Test
    void momentumStartsFromTheFirstGradient() {
        // buf1 = 2, w = 1 - 0.2; buf2 = 0.9 * 2 + 2 = 3.8, w = 0.8 - 0.38
        assertThat(run(new Sgd(0.1, 0.9, false, 0), 2)).containsExactly(new double[] {0.8, 0.42}, within(1e-12));
    }

    @Test
    void nesterovLooksAhead() {
        // buf1 = 2, g = 2 + 0.9 * 2 = 3.8, w = 1 - 0.38
        assertThat(run(new Sgd(0.1, 0.9, true, 0), 1)).containsExactly(new double[] {0.62}, within(1e-12));
    }

    @Test
    void weightDecayAddsToTheGradient() {
        // g = 2 + 0.5 * 1 = 2.5, w = 1 - 0.25
        assertThat(run(new Sgd(0.1, 0, false, 0.5), 1)).containsExactly(new double[] {0.75}, within(1e-12));
    }

    @Test
    void frozenParametersStay() {
        Parameter w = new Parameter("weight", Parameter.Role.WEIGHT, Tensor.of(DType.F32, new double[] {1.0}, 1));
        w.setTrainable(false);
        Sgd sgd = new Sgd(0.1, 0.9, false, 0);
        sgd.bind(List.of(w), new BlasOps());
        w.grad().fill(2.0);
        sgd.step();
        assertThat(w.value().get(0)).isEqualTo(1.0);
    }
}
