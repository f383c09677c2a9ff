package io.gradlab.benchmarks;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.kernel.BlasOps;
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
 * The matrix products of one training step of the reference workload (784 -> 7 x 128 -> 10) at
 * batch 512, by kernel and thread count. GFLOP/s = {@code 2 m n k / time}.
 * <ul>
 *   <li>{@code fwd784}: hidden1's forward, {@code X[512x784] W^T[784x128]}
 *   <li>{@code fwd128}: a 128-wide hidden layer's forward, {@code H[512x128] W^T[128x128]}
 *   <li>{@code gin128}: its input gradient, {@code G[512x128] W[128x128]}
 *   <li>{@code gw784}: hidden1's weight gradient, {@code G^T[128x512] X[512x784]}
 *   <li>{@code gw128}: a 128-wide layer's weight gradient, {@code G^T[128x512] H[512x128]}
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {
    @Param({"fwd784", "fwd128", "gin128", "gw784", "gw128"})
    public String product;

    @Param({"512"})
    public int batch;

    /** {@code native} (OpenBLAS, run with OPENBLAS_NUM_THREADS=1) or {@code java} (the Vector API kernel). */
    @Param({"native", "java"})
    public String blas;

    @Param({"1", "2"})
    public int threads;

    private BlasOps ops;
    private Tensor a;
    private Tensor b;
    private Tensor c;
    private boolean transA;
    private boolean transB;

    @Setup
    public void setUp() {
        ops = BlasOps.create(blas, threads);
        int in = product.endsWith("784") ? 784 : 128;
        switch (product) {
            case "fwd784", "fwd128" -> {
                a = random(batch, in);
                b = random(128, in);
                c = Tensor.zeros(DType.F32, batch, 128);
                transB = true;
            }
            case "gin128" -> {
                a = random(batch, 128);
                b = random(128, in);
                c = Tensor.zeros(DType.F32, batch, in);
            }
            case "gw784", "gw128" -> {
                a = random(batch, 128);
                b = random(batch, in);
                c = Tensor.zeros(DType.F32, 128, in);
                transA = true;
            }
            default -> throw new IllegalArgumentException(product);
        }
    }

    @Benchmark
    public Tensor gemm() {
        ops.gemm(transA, transB, 1.0, a, b, transA ? 1.0 : 0.0, c);
        return c;
    }

    static Tensor random(int rows, int cols) {
        SplittableRandom r = new SplittableRandom(rows * 31L + cols);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return Tensor.wrap(x, rows, cols);
    }
}
