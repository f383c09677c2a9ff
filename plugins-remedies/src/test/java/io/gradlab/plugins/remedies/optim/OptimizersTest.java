package io.gradlab.plugins.remedies.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.Optimizer;
import io.gradlab.testkit.ReferenceOps;
import io.gradlab.testkit.TestContexts;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The expected values were computed by hand-written transcriptions of PyTorch's documented
 * algorithms (torch.optim.Adam / AdamW / RMSprop / Adagrad) in double precision, for the parameter
 * [1, -2] and the gradients [0.5, 0.1], [-0.2, 0.3] (, [0.001, -0.001]), and agree to the last printed
 * digit with PyTorch 1.13.1 itself (Debian's python3-torch, torch.float64).
 */
class OptimizersTest {
    private static final double[][] GRADS = {{0.5, 0.1}, {-0.2, 0.3}, {0.001, -0.001}};

    static Optimizer create(String id, Map<String, Object> params) {
        ComponentFactory<Optimizer> f = OptimizerFactories.all().stream().filter(x -> x.id().value().equals(id)).findFirst().orElseThrow();
        return TestContexts.create(f, params);
    }

    static double[] run(String id, Map<String, Object> params, int steps) {
        Parameter p = new Parameter("w", Parameter.Role.WEIGHT, Tensor.of(DType.F64, new double[] {1, -2}, 2));
        Optimizer o = create(id, params);
        o.bind(List.of(p), new ReferenceOps());
        for (int s = 0; s < steps; s++) {
            p.grad().set(0, GRADS[s][0]);
            p.grad().set(1, GRADS[s][1]);
            o.step();
        }
        return p.value().toDoubleArray();
    }

    @Test
    void adamMatchesPyTorch() {
        assertThat(run("adam", Map.of(), 1)).containsExactly(new double[] {0.99900000002, -2.0009999999}, within(1e-14));
        assertThat(run("adam", Map.of(), 2)).containsExactly(new double[] {0.9986543941811651, -2.001917780977944}, within(1e-14));
        assertThat(run("adam", Map.of("weight-decay", 0.1), 2)).containsExactly(new double[] {0.9984615994447786, -1.9990531314037943}, within(1e-14));
        assertThat(run("adam", Map.of(), 3)).containsExactly(new double[] {0.9983860529786664, -2.002625203645334}, within(1e-14));
        assertThat(run("adam", Map.of("amsgrad", true), 3)).containsExactly(new double[] {0.9983861867195352, -2.0026248533847757}, within(1e-14));
    }

    @Test
    void adamwDecaysTheWeightsDecoupled() {
        assertThat(run("adamw", Map.of(), 2)).containsExactly(new double[] {0.998634404281165, -2.0018777711779454}, within(1e-14));
    }

    @Test
    void rmspropMatchesPyTorch() {
        assertThat(run("rmsprop", Map.of(), 1)).containsExactly(new double[] {0.900000019999996, -2.0999999000000997}, within(1e-14));
        assertThat(run("rmsprop", Map.of("momentum", 0.9, "centered", true, "weight-decay", 0.1), 2))
                .containsExactly(new double[] {0.8272294115410941, -1.883222274926509}, within(1e-13));
    }

    @Test
    void adagradMatchesPyTorch() {
        assertThat(run("adagrad", Map.of("lr-decay", 0.5, "initial-accumulator-value", 0.1, "weight-decay", 0.05), 2))
                .containsExactly(new double[] {0.992868912532125, -2.003563483224547}, within(1e-14));
    }

    @Test
    void frozenParametersAreSkippedAndKeepTheirOwnStepCount() {
        Parameter a = new Parameter("a", Parameter.Role.WEIGHT, Tensor.of(DType.F64, new double[] {1, -2}, 2));
        Parameter b = new Parameter("b", Parameter.Role.BIAS, Tensor.of(DType.F64, new double[] {1, -2}, 2));
        Optimizer o = create("adam", Map.of());
        o.bind(List.of(a, b), new ReferenceOps());
        b.setTrainable(false);
        grad(a, 0);
        grad(b, 0);
        o.step();
        assertThat(b.value().toDoubleArray()).containsExactly(1, -2);
        assertThat(o.state().get(2).toDoubleArray()).containsExactly(0, 0); // b's exp-avg untouched
        b.setTrainable(true);
        grad(a, 1);
        grad(b, 0);
        o.step();
        // b's first update uses t = 1 bias correction, as PyTorch's per-parameter step
        assertThat(b.value().toDoubleArray()).containsExactly(new double[] {0.99900000002, -2.0009999999}, within(1e-14));
        assertThat(a.value().toDoubleArray()).containsExactly(new double[] {0.9986543941811651, -2.001917780977944}, within(1e-14));
        assertThat(o.steps()).isEqualTo(2);
    }

    @Test
    void stateIsListedInAFixedOrderAndSurvivesARebind() {
        Parameter a = new Parameter("a", Parameter.Role.WEIGHT, Tensor.zeros(DType.F64, 2, 3));
        Parameter b = new Parameter("b", Parameter.Role.BIAS, Tensor.zeros(DType.F64, 2));
        Optimizer o = create("adam", Map.of("amsgrad", true));
        o.bind(List.of(a, b), new ReferenceOps());
        List<Tensor> state = o.state();
        assertThat(state).hasSize(6);
        assertThat(state).extracting(Tensor::size).containsExactly(6, 6, 6, 2, 2, 2);
        a.grad().fill(1);
        o.step();
        Parameter c = new Parameter("c", Parameter.Role.WEIGHT, Tensor.zeros(DType.F64, 4));
        o.bind(List.of(a, c), new ReferenceOps());
        assertThat(o.state().get(0)).isSameAs(state.get(0));
        assertThat(o.state().get(3).size()).isEqualTo(4);
        o.restoreSteps(7);
        assertThat(o.steps()).isEqualTo(7);
        assertThat(create("rmsprop", Map.of("momentum", 0.5, "centered", true)).state()).isEmpty();
    }

    @Test
    void stepAllocatesNothing() {
        Parameter a = new Parameter("a", Parameter.Role.WEIGHT, Tensor.zeros(DType.F32, 64, 64));
        for (String id : List.of("adam", "adamw", "rmsprop", "adagrad")) {
            Optimizer o = create(id, Map.of());
            o.bind(List.of(a), new ReferenceOps());
            a.grad().fill(0.1);
            for (int i = 0; i < 200; i++) {
                o.step(); // warm up
            }
            com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100; i++) {
                o.step();
            }
            long allocated = bean.getCurrentThreadAllocatedBytes() - before;
            assertThat(allocated).as(id + " allocated bytes in 100 steps").isLessThan(4096);
        }
    }

    private static void grad(Parameter p, int step) {
        p.grad().set(0, GRADS[step][0]);
        p.grad().set(1, GRADS[step][1]);
    }
}
