package io.gradlab.plugins.remedies.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.Optimizer;
import io.gradlab.plugins.remedies.support.CountingOps;
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
    void aStepIsOneFusedPassAndAllocatesNothing() {
        Parameter a = new Parameter("a", Parameter.Role.WEIGHT, Tensor.zeros(DType.F32, 64, 64));
        Parameter b = new Parameter("b", Parameter.Role.BIAS, Tensor.zeros(DType.F32, 64));
        for (Map<String, Object> params : List.of(Map.<String, Object>of(), Map.<String, Object>of("amsgrad", true, "weight-decay", 0.1))) {
            for (String id : List.of("adam", "adamw", "rmsprop", "adagrad")) {
                CountingOps ops = new CountingOps();
                Optimizer o = create(id, id.startsWith("adam") ? params : Map.of());
                o.bind(List.of(a, b), ops);
                a.grad().fill(0.1);
                b.grad().fill(0.2);
                ops.dry = true;
                for (int i = 0; i < 200; i++) {
                    o.step(); // warm up
                }
                long allocated = CountingOps.allocatedBy(o::step, 100);
                assertThat(allocated).as(id + " " + params + " allocated bytes in 100 steps").isLessThan(256);
                assertThat(ops.mapEachs).as(id + ": one pass over both parameters per step").isEqualTo(200 + 3 * 100); // allocatedBy runs three rounds
                assertThat(ops.maps + ops.reductions + ops.gemms).isZero();
            }
        }
    }

    /** Each configuration, three steps, on three parameters at once against each parameter on its own and the per-element formulas. */
    @Test
    void theFusedStepOfManyParametersEqualsTheFormulasPerParameter() {
        List<Map<String, Object>> configs = List.of(
                Map.of("id", "adam"), Map.of("id", "adam", "weight-decay", 0.1), Map.of("id", "adam", "amsgrad", true, "weight-decay", 0.05),
                Map.of("id", "adamw"), Map.of("id", "adamw", "amsgrad", true, "lr", 0.01, "beta1", 0.8),
                Map.of("id", "rmsprop"), Map.of("id", "rmsprop", "momentum", 0.9), Map.of("id", "rmsprop", "centered", true),
                Map.of("id", "rmsprop", "momentum", 0.5, "centered", true, "weight-decay", 0.1, "alpha", 0.9),
                Map.of("id", "adagrad"), Map.of("id", "adagrad", "lr-decay", 0.5, "initial-accumulator-value", 0.1, "weight-decay", 0.05));
        for (Map<String, Object> config : configs) {
            String id = (String) config.get("id");
            Map<String, Object> params = new java.util.HashMap<>(config);
            params.remove("id");
            List<Parameter> together = threeParameters();
            List<Parameter> alone = threeParameters();
            Optimizer fused = create(id, params);
            fused.bind(together, new ReferenceOps());
            List<Optimizer> single = new java.util.ArrayList<>();
            for (Parameter p : alone) {
                Optimizer o = create(id, params);
                o.bind(List.of(p), new ReferenceOps());
                single.add(o);
            }
            List<double[]> expected = new java.util.ArrayList<>();
            List<double[][]> state = new java.util.ArrayList<>();
            for (Parameter p : together) {
                expected.add(p.value().toDoubleArray());
                state.add(Formulas.initialState(id, params, p.value().size()));
            }
            for (int s = 0; s < 3; s++) {
                for (int k = 0; k < 3; k++) {
                    for (List<Parameter> ps : List.of(together, alone)) {
                        Tensor g = ps.get(k).grad();
                        for (int i = 0; i < g.size(); i++) {
                            g.set(i, Math.sin(1.7 * i + k + 3.1 * s) * (k + 1));
                        }
                    }
                    Formulas.step(id, params, expected.get(k), together.get(k).grad().toDoubleArray(), state.get(k), s + 1);
                }
                fused.step();
                single.forEach(Optimizer::step);
            }
            for (int k = 0; k < 3; k++) {
                assertThat(together.get(k).value().toDoubleArray()).as(config + " parameter " + k + ", fused vs alone")
                        .containsExactly(alone.get(k).value().toDoubleArray());
                assertThat(together.get(k).value().toDoubleArray()).as(config + " parameter " + k + ", fused vs the formulas")
                        .containsExactly(expected.get(k), within(1e-14));
            }
        }
    }

    private static List<Parameter> threeParameters() {
        double[][] init = {{1, -2, 0.5, 3, -0.25, 0.75}, {0.1, -0.2, 0.3}, {2}};
        int[][] shapes = {{2, 3}, {3}, {1}};
        List<Parameter> ps = new java.util.ArrayList<>();
        for (int k = 0; k < 3; k++) {
            ps.add(new Parameter("p" + k, Parameter.Role.WEIGHT, Tensor.of(DType.F64, init[k], shapes[k])));
        }
        return ps;
    }

    @Test
    void parametersUnfrozenLaterStepInTheirOwnGroupUntilTheCountsAreRestored() {
        Parameter a = new Parameter("a", Parameter.Role.WEIGHT, Tensor.of(DType.F64, new double[] {1, -2}, 2));
        Parameter b = new Parameter("b", Parameter.Role.BIAS, Tensor.of(DType.F64, new double[] {1, -2}, 2));
        Parameter c = new Parameter("c", Parameter.Role.BIAS, Tensor.of(DType.F64, new double[] {1, -2}, 2));
        AdaptiveOptimizer o = (AdaptiveOptimizer) create("adam", Map.of());
        o.bind(List.of(a, b, c), new ReferenceOps());
        b.setTrainable(false);
        c.setTrainable(false);
        grad(a, 0);
        o.step();
        assertThat(o.groupCount()).isEqualTo(1);
        b.setTrainable(true);
        grad(a, 1);
        grad(b, 0);
        o.step();
        assertThat(o.groupCount()).as("a at step 2, b at step 1").isEqualTo(2);
        assertThat(b.value().toDoubleArray()).containsExactly(new double[] {0.99900000002, -2.0009999999}, within(1e-14));
        assertThat(a.value().toDoubleArray()).containsExactly(new double[] {0.9986543941811651, -2.001917780977944}, within(1e-14));
        assertThat(c.value().toDoubleArray()).containsExactly(1, -2);
        assertThat(o.state().get(4).toDoubleArray()).containsExactly(0, 0); // c's exp-avg untouched
        o.restoreSteps(5);
        c.setTrainable(true);
        o.step();
        assertThat(o.groupCount()).isEqualTo(1);
        assertThat(o.steps()).isEqualTo(6);
    }

    private static void grad(Parameter p, int step) {
        p.grad().set(0, GRADS[step][0]);
        p.grad().set(1, GRADS[step][1]);
    }
}
