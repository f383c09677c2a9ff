package io.gradlab.benchmarks;

import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.builtin.Sigmoid;
import io.gradlab.engine.kernel.BlasOps;
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
 * The sigmoid of one hidden layer of the workload ({@code [512 x 128]}), forward and backward, bound
 * to the engine's kernels as in training ({@code threads} kernel threads; an unbound activation
 * would run its definition element by element); {@code vector = false} forces the plain-Java loops
 * (as on a JVM without the Vector API module).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SigmoidBenchmark {
    @Param({"512"})
    public int batch;

    @Param({"true", "false"})
    public String vector;

    @Param({"1", "2"})
    public int threads;

    private Sigmoid sigmoid;
    private Tensor x;
    private Tensor y;
    private Tensor gy;
    private Tensor gx;

    @Setup
    public void setUp() {
        System.setProperty("gradlab.vector", vector); // read once, when the kernels are first used in this fork
        sigmoid = new Sigmoid();
        sigmoid.bind(128, new Context(BlasOps.create("auto", threads)));
        x = GemmBenchmark.random(batch, 128);
        for (int i = 0; i < x.size(); i++) {
            x.set(i, x.get(i) * 6);
        }
        y = Tensor.zeros(DType.F32, batch, 128);
        gy = GemmBenchmark.random(batch, 128);
        gx = Tensor.zeros(DType.F32, batch, 128);
        sigmoid.forward(x, y);
    }

    @Benchmark
    public Tensor forward() {
        sigmoid.forward(x, y);
        return y;
    }

    @Benchmark
    public Tensor backward() {
        sigmoid.backward(x, y, gy, gx);
        return gx;
    }

    /** Only the kernels: what an activation's {@code bind} reads. */
    private record Context(Ops ops) implements BuildContext {
        @Override
        public DType dtype() {
            return DType.F32;
        }

        @Override
        public RandomSource random() {
            return new SeededRandom(1);
        }

        @Override
        public void initializeWeight(Parameter weight, Fan fan) {
            throw new UnsupportedOperationException("an activation has no weights");
        }

        @Override
        public void initializeBias(Parameter bias, Fan fan) {
            throw new UnsupportedOperationException("an activation has no bias");
        }
    }
}
