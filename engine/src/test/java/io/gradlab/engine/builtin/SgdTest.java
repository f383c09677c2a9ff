package io.gradlab.engine.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.kernel.BlasOps;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed steps of PyTorch's SGD with a constant gradient of 2 on a weight starting at 1. */
class SgdTest {
    private static final BlasOps OPS = new BlasOps();

    private static double[] run(Sgd sgd, int steps) {
        Parameter w = new Parameter("weight", Parameter.Role.WEIGHT, Tensor.of(DType.F64, new double[] {1.0}, 1));
        sgd.bind(List.of(w), OPS);
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
        sgd.bind(List.of(w), OPS);
        w.grad().fill(2.0);
        sgd.step();
        assertThat(w.value().get(0)).isEqualTo(1.0);
    }

    /** Three parameters of both element types in one step each, against each parameter stepped on its own and the formulas. */
    @Test
    void theFusedStepOfManyParametersEqualsEachParameterOnItsOwn() {
        for (double[] config : new double[][] {{0, 0, 0}, {0.9, 0, 0}, {0.9, 1, 0}, {0.5, 0, 0.1}, {0, 0, 0.1}}) {
            for (DType dtype : DType.values()) {
                List<Parameter> together = parameters(dtype);
                List<Parameter> alone = parameters(dtype);
                Sgd fused = new Sgd(0.1, config[0], config[1] == 1, config[2]);
                fused.bind(together, OPS);
                List<Sgd> single = new ArrayList<>();
                for (Parameter p : alone) {
                    Sgd o = new Sgd(0.1, config[0], config[1] == 1, config[2]);
                    o.bind(List.of(p), OPS);
                    single.add(o);
                }
                double[][] expected = new double[3][];
                double[][] buffer = new double[3][];
                for (int k = 0; k < 3; k++) {
                    expected[k] = together.get(k).value().toDoubleArray();
                    buffer[k] = new double[expected[k].length];
                }
                for (int s = 0; s < 3; s++) {
                    for (int k = 0; k < 3; k++) {
                        for (List<Parameter> ps : List.of(together, alone)) {
                            Tensor g = ps.get(k).grad();
                            for (int i = 0; i < g.size(); i++) {
                                g.set(i, Math.sin(1.3 * i + k + 2.9 * s));
                            }
                        }
                        double[] g = together.get(k).grad().toDoubleArray();
                        for (int i = 0; i < g.length; i++) {
                            double gi = g[i] + config[2] * expected[k][i];
                            if (config[0] > 0) {
                                buffer[k][i] = s == 0 ? gi : config[0] * buffer[k][i] + gi;
                                gi = config[1] == 1 ? gi + config[0] * buffer[k][i] : buffer[k][i];
                            }
                            expected[k][i] -= 0.1 * gi;
                        }
                    }
                    fused.step();
                    single.forEach(Sgd::step);
                }
                double tolerance = dtype == DType.F64 ? 1e-14 : 1e-6;
                for (int k = 0; k < 3; k++) {
                    String what = dtype + " " + java.util.Arrays.toString(config) + " parameter " + k;
                    double[] fusedValues = together.get(k).value().toDoubleArray();
                    assertThat(java.util.Arrays.equals(fusedValues, alone.get(k).value().toDoubleArray())).as(what + ", fused vs alone").isTrue();
                    double worst = 0;
                    for (int i = 0; i < fusedValues.length; i++) {
                        worst = Math.max(worst, Math.abs(fusedValues[i] - expected[k][i]));
                    }
                    assertThat(worst).as(what + ", fused vs the formulas").isLessThan(tolerance);
                }
            }
        }
    }

    private static List<Parameter> parameters(DType dtype) {
        List<Parameter> ps = new ArrayList<>();
        ps.add(new Parameter("w", Parameter.Role.WEIGHT, Tensor.zeros(dtype, 40, 70)));
        ps.add(new Parameter("b", Parameter.Role.BIAS, Tensor.zeros(dtype, 40)));
        ps.add(new Parameter("v", Parameter.Role.OTHER, Tensor.zeros(dtype, 3)));
        for (Parameter p : ps) {
            for (int i = 0; i < p.value().size(); i++) {
                p.value().set(i, Math.cos(0.7 * i));
            }
        }
        return ps;
    }

    @Test
    void weightDecayLeavesTheGradientAsItWas() {
        Parameter w = new Parameter("weight", Parameter.Role.WEIGHT, Tensor.of(DType.F32, new double[] {1.0, 2.0}, 2));
        Sgd sgd = new Sgd(0.1, 0.9, true, 0.5);
        sgd.bind(List.of(w), OPS);
        w.grad().fill(2.0);
        sgd.step();
        assertThat(w.grad().toDoubleArray()).containsExactly(2.0, 2.0);
    }

    @Test
    void aParameterUnfrozenLaterJoinsTheStep() {
        Parameter a = new Parameter("a", Parameter.Role.WEIGHT, Tensor.of(DType.F32, new double[] {1.0}, 1));
        Parameter b = new Parameter("b", Parameter.Role.WEIGHT, Tensor.of(DType.F32, new double[] {1.0}, 1));
        b.setTrainable(false);
        Sgd sgd = new Sgd(0.1, 0.9, false, 0);
        sgd.bind(List.of(a, b), OPS);
        a.grad().fill(2.0);
        b.grad().fill(2.0);
        sgd.step();
        assertThat(b.value().get(0)).isEqualTo(1.0);
        b.setTrainable(true);
        sgd.step();
        // a: buf 3.8, 0.8 - 0.38; b: its buffer was 0, so 0.9 * 0 + 2 = 2, 1 - 0.2
        assertThat(a.value().get(0)).isCloseTo(0.42, within(1e-6));
        assertThat(b.value().get(0)).isCloseTo(0.8, within(1e-6));
        a.setTrainable(false);
        sgd.step();
        assertThat(a.value().get(0)).isCloseTo(0.42, within(1e-6));
    }

    @Test
    void aWarmStepAllocatesNothing() {
        Parameter w = new Parameter("weight", Parameter.Role.WEIGHT, Tensor.zeros(DType.F32, 64, 64));
        Parameter b = new Parameter("bias", Parameter.Role.BIAS, Tensor.zeros(DType.F32, 64));
        for (Sgd sgd : List.of(new Sgd(0.1, 0, false, 0), new Sgd(0.1, 0.9, true, 0.01))) {
            sgd.bind(List.of(w, b), OPS);
            for (int i = 0; i < 5000; i++) {
                sgd.step(); // until the kernels are compiled (the interpreter allocates on their behalf)
            }
            com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            // the least of the rounds of 100 steps within 20 seconds: in a JVM shared with many other tests,
            // on a loaded machine, the JIT may still be compiling a kernel for seconds (its first tiers box
            // vectors); a step that allocates by itself allocates in every round
            long least = Long.MAX_VALUE;
            long deadline = System.nanoTime() + 20_000_000_000L;
            for (int round = 0; least >= 256 && (round < 20 || System.nanoTime() < deadline); round++) {
                long before = bean.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100; i++) {
                    sgd.step();
                }
                least = Math.min(least, bean.getCurrentThreadAllocatedBytes() - before);
            }
            assertThat(least).as("bytes allocated by 100 steps").isLessThan(256);
        }
    }
}
