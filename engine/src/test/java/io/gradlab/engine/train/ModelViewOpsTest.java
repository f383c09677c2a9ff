package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.diag.LayerView;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.SpecLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ModelView.ops()} on the session, as diagnostics use it: the run's kernels; {@code parallelFor}
 * runs every part once, kernels called in a part give the bits they give outside, a failure surfaces;
 * and the saturation count of a float32 layer (one column sum of {@code |f'(x, y)| < limit}, the
 * derivative evaluated in float32) is the double definition's but for elements within float rounding
 * of the limit.
 */
class ModelViewOpsTest {
    private static ComponentRegistry registry;

    @BeforeAll
    static void loadRegistry() {
        registry = new PluginHost(new PluginHostConfig(null, true)).load();
    }

    private static TrainingSession session(Ops ops, String activation) {
        var spec = SpecLoader.parse("""
                name: ops
                data: {source: {id: fashion-mnist, subset: embedded}, validation: 0}
                model:
                  architecture: {id: mlp, depth: 2, width: 16, activation: %s}
                training: {epochs: 1, batch-size: 50, optimizer: {id: sgd, lr: 0.01}, seed: 3}
                """.formatted(activation), "ops.yaml", Path.of("."), List.of());
        ExperimentRunner runner = new ExperimentRunner(registry, ops);
        TrainingSession.Parts parts = runner.prepare(runner.resolve(spec), new RunOptions(Path.of("."), Optional.empty(), false)).parts();
        return new TrainingSession(parts, TrainingListener.NONE, m -> {});
    }

    @ParameterizedTest(name = "{0} kernel threads")
    @ValueSource(ints = {1, 2, 3})
    void partsRunOnceWithTheirKernelsAndAFailureSurfaces(int threads) {
        BlasOps blas = BlasOps.create("auto", threads);
        TrainingSession session = session(blas, "sigmoid");
        Ops ops = session.view().ops();
        assertThat(ops).isSameAs(blas);
        for (int count : new int[] {0, 1, 7, 200}) {
            AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(1, count));
            Set<String> names = ConcurrentHashMap.newKeySet();
            ops.parallelFor(count, i -> {
                runs.incrementAndGet(i);
                names.add(Thread.currentThread().getName());
            });
            for (int i = 0; i < count; i++) {
                assertThat(runs.get(i)).as("%d parts: part %d", count, i).isEqualTo(1);
            }
            if (threads == 1) {
                assertThat(names).allMatch(n -> !n.startsWith("gradlab-kernel-")); // one thread: the caller's
            }
        }
        // column sums in parts (each on its part's thread) are those of the same calls outside
        Random random = new Random(threads);
        Expr e = Expr.arg(0).square().add(Expr.arg(0).sigmoid().mul(Expr.scalar(0)));
        double[] scalars = {0.5};
        Tensor[] inputs = new Tensor[6];
        Tensor[] inParts = new Tensor[inputs.length];
        Tensor[] outside = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = Tensor.zeros(DType.F32, 64 + 100 * i, 128);
            for (int k = 0; k < inputs[i].size(); k++) {
                inputs[i].set(k, random.nextGaussian() * 3);
            }
            inParts[i] = Tensor.zeros(DType.F32, 128);
            outside[i] = Tensor.zeros(DType.F32, 128);
            ops.columnSums(e, 0, outside[i], scalars, inputs[i]);
        }
        ops.parallelFor(inputs.length, i -> ops.columnSums(e, 0, inParts[i], scalars, inputs[i]));
        for (int i = 0; i < inputs.length; i++) {
            assertThat(inParts[i].floats()).as("part %d", i).containsExactly(outside[i].floats());
        }
        assertThatThrownBy(() -> ops.parallelFor(5, i -> {
            if (i == 3) {
                throw new IllegalStateException("part three broke");
            }
        })).isInstanceOf(IllegalStateException.class).hasMessage("part three broke");
    }

    /**
     * The saturation diagnostic's count on the session's kernels, for the built-in activations: on the
     * layer a training step left and on pre-activations that put a share of the elements right at the
     * limit. Per unit the count lies between the definition's counts without and with the elements
     * whose double derivative is within 1e-5 (relative) of the limit (float32 rounding may put those
     * on either side); off the limit, mismatches are rare (at most one in 10^4 elements).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sigmoid", "tanh"})
    void float32SaturationCountsAreTheDefinitionsButAtTheLimit(String activation) {
        TrainingSession session = session(BlasOps.create("auto", 2), activation);
        session.trainEpoch(null);
        Ops ops = session.view().ops();
        LayerView act = session.view().layers().stream().filter(v -> v.activation() instanceof ElementwiseActivation).findFirst().orElseThrow();
        ElementwiseActivation f = (ElementwiseActivation) act.activation();
        Expr small = f.derivativeExpression().abs().lt(Expr.scalar(0));
        Random random = new Random(activation.hashCode());
        for (double threshold : new double[] {0.01, 0.3}) {
            double limit = threshold * f.maxDerivative();
            // wide pre-activations of which every 4th sits at the limit, and the layer as the last step left it
            Tensor x = Tensor.zeros(DType.F32, 512, 128);
            double root = root(f, limit);
            for (int i = 0; i < x.size(); i++) {
                double v = i % 4 == 0 ? root * (random.nextBoolean() ? 1 : -1) * (1 + 1e-7 * random.nextGaussian()) : random.nextGaussian() * 4;
                x.set(i, v);
            }
            Tensor y = Tensor.zeros(DType.F32, x.shape());
            ops.map(Elementwise.assign(1, f.valueExpression()), null, x, y);
            assertCounts(ops, f, small, limit, act.layer().lastInput(), act.layer().lastOutput(), true);
            assertCounts(ops, f, small, limit, x, y, false);
        }
    }

    private static void assertCounts(Ops ops, ElementwiseActivation f, Expr small, double limit, Tensor x, Tensor y, boolean offLimit) {
        int units = y.cols();
        Tensor sums = Tensor.zeros(DType.F32, units);
        ops.columnSums(small, 0, sums, new double[] {limit}, x, y);
        long mismatches = 0;
        for (int u = 0; u < units; u++) {
            long below = 0;
            long near = 0;
            long exact = 0;
            for (int r = 0; r < y.rows(); r++) {
                double d = Math.abs(f.derivative(x.get(r, u), y.get(r, u)));
                exact += d < limit ? 1 : 0;
                if (Math.abs(d - limit) <= 1e-5 * limit) {
                    near++;
                } else if (d < limit) {
                    below++;
                }
            }
            long count = (long) sums.get(u);
            assertThat(count).as("limit %s unit %d", limit, u).isBetween(below, below + near);
            mismatches += Math.abs(count - exact);
        }
        if (offLimit) {
            assertThat(mismatches).as("limit %s: mismatches with the double definition", limit).isLessThanOrEqualTo(Math.max(1, y.size() / 10_000));
        }
    }

    /** The positive x at which {@code |f'(x, f(x))|} falls to {@code limit} (bisection on the double definition). */
    private static double root(ElementwiseActivation f, double limit) {
        double lo = 0;
        double hi = 40;
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            if (Math.abs(f.derivative(mid, f.value(mid))) > limit) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
