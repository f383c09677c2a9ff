package io.gradlab.benchmarks;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.builtin.Sigmoid;
import io.gradlab.engine.builtin.Tanh;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.kernel.BlasOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One sampled step of a per-step diagnostic of the diagnostics plugin ({@code afterBackward}) on the
 * reference model's shapes (784 -> 7 x 128 -> 10, float32, {@code batch} rows): every diagnostic is
 * made with {@code every = 1}, so each call does the work of a sampled step. The activation layers
 * hold pre-activations drawn from N(0, {@code preStd}^2) (4 by default: some units saturated, most not; a
 * healthy sigmoid network's are nearer 0.3) and their outputs;
 * {@code dead-units} looks at ReLU layers only, so it runs with {@code activation = relu}. Within an
 * epoch it looks only at the units that have not fired yet (none here after the first call), so
 * {@code firstStepOfEpoch} shows its cost when it starts over. ({@code update-ratio} does nothing per
 * step: it reads the update ratios the engine measures.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class DiagnosticsBenchmark {
    private static final int DEPTH = 7;
    private static final int WIDTH = 128;

    @Param({"saturation", "activation-stats", "nan-sentinel", "dead-units"})
    public String diagnostic;

    @Param({"512"})
    public int batch;

    /** {@code sigmoid}, {@code tanh} or {@code relu}; {@code auto}: relu for dead-units, else sigmoid. */
    @Param({"auto"})
    public String activation;

    /** The standard deviation of the pre-activations. */
    @Param({"4"})
    public double preStd;

    private Diagnostic target;
    private View model;

    @Setup
    public void setUp() {
        var registry = new PluginHost(new PluginHostConfig(null, true)).load();
        Map<String, Object> params = diagnostic.equals("dead-units") ? Map.of() : Map.of("every", 1);
        target = registry.diagnostic(ComponentSpec.of(diagnostic, params), "benchmark");
        String act = activation.equals("auto") ? (diagnostic.equals("dead-units") ? "relu" : "sigmoid") : activation;
        model = new View(batch, act, preStd);
        target.afterBackward(model);
    }

    @Benchmark
    public Diagnostic afterBackward() {
        target.afterBackward(model);
        return target;
    }

    /** The first step of an epoch: what a diagnostic keeps per epoch starts again ({@code dead-units} looks at every unit). */
    @Benchmark
    public Diagnostic firstStepOfEpoch() {
        model.epoch++;
        target.afterBackward(model);
        return target;
    }

    /** The reference model's layers with their last inputs, outputs, weights and gradients. */
    static final class View implements ModelView {
        /** The engine's kernels on two threads, as a run on this machine has them. */
        private static final Ops OPS = BlasOps.create("auto", 2);
        private final List<LayerView> layers = new ArrayList<>();
        private final List<LayerView> weighted = new ArrayList<>();
        private final double[] norms;
        int epoch = 1;

        View(int batch, String act, double preStd) {
            SplittableRandom random = new SplittableRandom(7);
            int in = 784;
            Tensor x = uniform(random, 1, batch, in);
            for (int i = 1; i <= DEPTH + 1; i++) {
                int out = i <= DEPTH ? WIDTH : 10;
                Parameter w = new Parameter("weight", Parameter.Role.WEIGHT, uniform(random, 1 / Math.sqrt(in), out, in));
                Parameter b = new Parameter("bias", Parameter.Role.BIAS, uniform(random, 1 / Math.sqrt(in), out));
                w.grad().copyFrom(uniform(random, 1e-3, out, in));
                b.grad().copyFrom(uniform(random, 1e-3, out));
                Tensor pre = normal(random, preStd, batch, out);
                LayerView dense = new LayerView("hidden" + i, new Fixed("dense", x, pre, w, b), w, null);
                layers.add(dense);
                weighted.add(dense);
                if (i <= DEPTH) {
                    Activation a = switch (act) {
                        case "sigmoid" -> new Sigmoid();
                        case "tanh" -> new Tanh();
                        case "relu" -> new Relu();
                        default -> throw new IllegalArgumentException("activation must be sigmoid, tanh or relu, got " + act);
                    };
                    Tensor post = Tensor.zeros(DType.F32, batch, out);
                    a.forward(pre, post);
                    layers.add(new LayerView("act" + i, new Fixed(act, pre, post), null, a));
                    x = post;
                }
                in = out;
            }
            norms = new double[weighted.size()];
            for (int i = 0; i < norms.length; i++) {
                double s = 0;
                Tensor g = weighted.get(i).weight().grad();
                for (int j = 0; j < g.size(); j++) {
                    s += g.get(j) * g.get(j);
                }
                norms[i] = Math.sqrt(s);
            }
        }

        @Override
        public Ops ops() {
            return OPS;
        }

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
            return epoch;
        }

        @Override
        public long step() {
            return 1;
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
    }

    private static Tensor uniform(SplittableRandom random, double scale, int... shape) {
        Tensor t = Tensor.zeros(DType.F32, shape);
        float[] a = t.floats();
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return t;
    }

    private static Tensor normal(SplittableRandom random, double std, int... shape) {
        Tensor t = Tensor.zeros(DType.F32, shape);
        float[] a = t.floats();
        for (int i = 0; i < a.length; i += 2) {
            // Box-Muller, two at a time
            double u = 1 - random.nextDouble();
            double v = random.nextDouble();
            double r = Math.sqrt(-2 * Math.log(u)) * std;
            a[i] = (float) (r * Math.cos(2 * Math.PI * v));
            if (i + 1 < a.length) {
                a[i + 1] = (float) (r * Math.sin(2 * Math.PI * v));
            }
        }
        return t;
    }

    /** A layer that only holds its last input, output and parameters. */
    private static final class Fixed implements Layer {
        private final String type;
        private final Tensor input;
        private final Tensor output;
        private final List<Parameter> parameters;

        Fixed(String type, Tensor input, Tensor output, Parameter... parameters) {
            this.type = type;
            this.input = input;
            this.output = output;
            this.parameters = List.of(parameters);
        }

        @Override
        public String name() {
            return type;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public int build(int inputWidth, BuildContext ctx) {
            return inputWidth;
        }

        @Override
        public Tensor forward(Tensor in, io.gradlab.api.nn.Mode mode) {
            throw new UnsupportedOperationException("a fixed layer of the diagnostics benchmark");
        }

        @Override
        public Tensor backward(Tensor gradOutput) {
            throw new UnsupportedOperationException("a fixed layer of the diagnostics benchmark");
        }

        @Override
        public List<Parameter> parameters() {
            return parameters;
        }

        @Override
        public Tensor lastInput() {
            return input;
        }

        @Override
        public Tensor lastOutput() {
            return output;
        }
    }

    /** {@code max(0, x)}: the plugins' ReLU is not on the benchmarks' class path. */
    private static final class Relu extends ElementwiseActivation {
        @Override
        protected Expr function(Expr x) {
            return x.max(0);
        }

        @Override
        protected Expr derivative(Expr x, Expr y) {
            return Expr.where(x.gt(0), 1, Expr.constant(0));
        }

        @Override
        public Family family() {
            return Family.RECTIFYING;
        }
    }
}
