package io.gradlab.benchmarks;

import io.gradlab.engine.bench.BenchConfig;
import io.gradlab.engine.bench.TrainingBenchmark;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.train.EpochMetrics;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Full training steps of the reference workload through {@code TrainingSession} (zero gradients,
 * forward, loss, backward, gradient norms, diagnostics, SGD): {@value #STEPS} steps per
 * invocation, reported per step. Run with {@code -prof gc} to see that a step allocates nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TrainingStepBenchmark {
    static final int STEPS = 32;

    @Param({"512", "64"})
    public int batch;

    @Param({"native", "java"})
    public String blas;

    @Param({"1", "2"})
    public int threads;

    private TrainingBenchmark.Workload workload;

    @Setup
    public void setUp() {
        var registry = new PluginHost(new PluginHostConfig(null, false)).load();
        var bench = new TrainingBenchmark(registry, BlasOps.create(blas, threads));
        workload = bench.prepare(BenchConfig.defaults().withBatch(batch).withSteps(STEPS));
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public EpochMetrics step() {
        return workload.runOnce();
    }
}
