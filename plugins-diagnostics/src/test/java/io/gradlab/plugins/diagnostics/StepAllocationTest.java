package io.gradlab.plugins.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.Params;
import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import io.gradlab.plugins.diagnostics.Fakes.FakeLayer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * Once warm, a training step's diagnostics allocate nothing (the engine's training step allocates
 * nothing either): every diagnostic of the plugin with its defaults, on a model view that itself
 * allocates nothing, as the engine's does.
 */
class StepAllocationTest {

    /** A model view over fixed layers whose gradient norms are computed once. */
    private static final class FixedModel implements ModelView {
        final List<LayerView> layers = new ArrayList<>();
        final List<LayerView> weighted = new ArrayList<>();
        final Ops ops = new DirectOps();
        double[] norms;
        long step;

        @Override
        public List<LayerView> layers() {
            return layers;
        }

        @Override
        public List<LayerView> weightedLayers() {
            return weighted;
        }

        @Override
        public int epoch() {
            return 1;
        }

        @Override
        public int epochs() {
            return 3;
        }

        @Override
        public long step() {
            return step;
        }

        @Override
        public double loss() {
            return 2.3;
        }

        @Override
        public double[] weightGradNorms() {
            return norms.clone();
        }

        @Override
        public double weightGradNorm(int index) {
            return norms[index];
        }

        @Override
        public Ops ops() {
            return ops;
        }
    }

    /**
     * The kernels the diagnostics use, by definition ({@link Expr#eval} on reused arrays, one thread),
     * without allocating, as the engine's kernels do once warm ({@code ReferenceOps} allocates per
     * element); full tensors only, no broadcasting.
     */
    private static final class DirectOps implements Ops {
        private final double[] values = new double[8];
        private final Tensor[] groupArgs = new Tensor[8];

        @Override
        public double sum(Expr e, double[] scalars, Tensor... args) {
            double s = 0;
            for (int i = 0; i < args[0].size(); i++) {
                s += eval(e, scalars, args, i);
            }
            return s;
        }

        @Override
        public void columnSums(Expr e, double beta, Tensor out, double[] scalars, Tensor... args) {
            int cols = out.size();
            int rows = args[0].size() / cols;
            for (int c = 0; c < cols; c++) {
                double s = 0;
                for (int r = 0; r < rows; r++) {
                    s += eval(e, scalars, args, r * cols + c);
                }
                out.set(c, (beta == 0 ? 0 : beta * out.get(c)) + s);
            }
        }

        private double eval(Expr e, double[] scalars, Tensor[] args, int i) {
            for (int k = 0; k < e.arity(); k++) {
                values[k] = args[k].get(i);
            }
            return e.eval(values, scalars);
        }

        @Override
        public void parallelFor(int count, IntConsumer part) {
            for (int i = 0; i < count; i++) {
                part.accept(i);
            }
        }

        @Override
        public int threads() {
            return 1;
        }

        @Override
        public String backend() {
            return "direct";
        }

        @Override
        public void gemm(boolean transA, boolean transB, double alpha, Tensor a, Tensor b, double beta, Tensor c) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void linear(Tensor x, Tensor w, Tensor bias, Tensor y) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void map(Elementwise program, double[] scalars, Tensor... args) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void mapEach(Elementwise program, double[] scalars, TensorGroup... groups) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void rowSums(Expr e, double beta, Tensor out, double[] scalars, Tensor... args) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void sumEach(Expr e, double[] out, double[] scalars, TensorGroup... groups) {
            Tensor[] args = groupArgs; // reused: the kernels allocate nothing
            for (int t = 0; t < groups[0].size(); t++) {
                for (int g = 0; g < groups.length; g++) {
                    args[g] = groups[g].get(t);
                }
                out[t] = sum(e, scalars, args);
            }
        }
    }

    /** input -> hidden1 -> sigmoid -> hidden2 -> relu -> output, 64 samples. */
    private static FixedModel model() {
        Random random = new Random(8);
        FixedModel m = new FixedModel();
        int in = 20;
        Tensor x = Fakes.normal(random, 1, 64, in);
        Activation[] activations = {new Fakes.Sigmoid(), new Fakes.Relu(), null};
        for (int i = 0; i < activations.length; i++) {
            int out = i < 2 ? 32 : 10;
            Parameter w = Fakes.weight(Fakes.normal(random, 1, out, in));
            w.grad().copyFrom(Fakes.normal(random, 0.01, out, in));
            FakeLayer dense = new FakeLayer("hidden" + (i + 1), w);
            dense.input = x;
            dense.output = Fakes.normal(random, 3, 64, out);
            LayerView v = new LayerView(dense.name(), dense, w, null);
            m.layers.add(v);
            m.weighted.add(v);
            if (activations[i] != null) {
                FakeLayer act = new FakeLayer("act" + (i + 1));
                act.input = dense.output;
                act.output = Tensor.zeros(dense.output.dtype(), dense.output.shape());
                activations[i].forward(act.input, act.output);
                m.layers.add(new LayerView(act.name(), act, null, activations[i]));
                x = act.output;
            }
            in = out;
        }
        m.norms = new double[m.weighted.size()];
        for (int i = 0; i < m.norms.length; i++) {
            Tensor g = m.weighted.get(i).weight().grad();
            double s = 0;
            for (int j = 0; j < g.size(); j++) {
                s += g.get(j) * g.get(j);
            }
            m.norms[i] = Math.sqrt(s);
        }
        return m;
    }

    @Test
    void aWarmStepOfAllDiagnosticsAllocatesNothing() {
        List<Diagnostic> diagnostics = new ArrayList<>();
        for (ComponentFactory<?> any : new DiagnosticsPlugin().components()) {
            ComponentFactory<Diagnostic> f = any.as(ComponentKind.DIAGNOSTIC);
            Map<String, Object> values = new LinkedHashMap<>();
            for (ParameterSpec p : f.parameters()) {
                values.put(p.name(), p.defaultValue());
            }
            diagnostics.add(f.create(new Params(f.id(), values), ComponentFactory.CreateContext.of(f.id().value())));
        }
        FixedModel m = model();
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int warm = 3000;
        int measured = 400; // a multiple of every sampling period (2, 4, 10, 20)
        long from = 0;
        for (int step = 1; step <= warm + measured; step++) {
            if (step == warm + 1) {
                from = mx.getCurrentThreadAllocatedBytes();
            }
            m.step = step;
            for (int d = 0; d < diagnostics.size(); d++) {
                diagnostics.get(d).afterBackward(m);
            }
        }
        double perStep = (mx.getCurrentThreadAllocatedBytes() - from) / (double) measured;
        assertThat(perStep).as("bytes allocated per step by the diagnostics").isLessThan(8);
    }
}
