package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.SpecLoader;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The training step of the reference workload allocates nothing once warm (Design: "the hot loop allocates nothing per batch"). */
class StepAllocationTest {
    private static ComponentRegistry registry;

    @BeforeAll
    static void loadRegistry() {
        registry = new PluginHost(new PluginHostConfig(null, true)).load();
    }

    @ParameterizedTest(name = "{0} kernel threads")
    @ValueSource(ints = {1, 2})
    void aWarmTrainingStepAllocatesNothing(int threads) {
        assertAWarmStepAllocatesNothing(threads, "");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[{id: linear-warmup, epochs: 2}, {id: cosine}]", "[{id: step, every: 1, gamma: 0.9}]"})
    void aWarmTrainingStepWithALearningRateScheduleAllocatesNothing(String schedule) {
        assertAWarmStepAllocatesNothing(1, ", lr-schedule: " + schedule);
    }

    private static void assertAWarmStepAllocatesNothing(int threads, String trainingExtra) {
        var spec = SpecLoader.parse("""
                name: alloc
                data: {source: {id: fashion-mnist, subset: embedded}, validation: 0}
                model:
                  architecture: {id: mlp, depth: 7, width: 128, activation: sigmoid}
                training: {epochs: 1000, batch-size: 50, optimizer: {id: sgd, lr: 0.01}, seed: 3%s}
                """.formatted(trainingExtra), "alloc.yaml", Path.of("."), List.of());
        ExperimentRunner runner = new ExperimentRunner(registry, BlasOps.create("auto", threads));
        ExperimentRunner.Prepared prepared = runner.prepare(runner.resolve(spec), new RunOptions(Path.of("."), java.util.Optional.empty(), false));
        TrainingSession.Parts parts = prepared.parts();
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] at = new long[2];
        int from = 40;
        int to = 90; // of 100 steps per epoch; the update ratio is sampled on some of them
        TrainingListener probe = new TrainingListener() {
            @Override
            public void onStep(int epoch, int step, int stepsPerEpoch, double loss, double accuracy, double samplesPerSecond) {
                if (step == from) {
                    at[0] = mx.getCurrentThreadAllocatedBytes();
                } else if (step == to) {
                    at[1] = mx.getCurrentThreadAllocatedBytes();
                }
            }
        };
        TrainingSession session = new TrainingSession(parts, probe, (m, s) -> {}, 0, prepared.controls());
        // warm-up: buffers for every batch size (the first epoch), and the JIT: until the vector kernels are
        // compiled, the Vector API boxes every vector. That took up to two epochs of this size on 2 busy cores,
        // longer in a JVM that has compiled a whole test suite before: the epochs go on until a warm epoch's
        // steps allocate nothing, for at most 30 s, and the last one counts
        session.trainEpoch(null);
        long deadline = System.nanoTime() + 30_000_000_000L;
        double perStep;
        do {
            session.trainEpoch(null);
            perStep = (at[1] - at[0]) / (double) (to - from);
        } while (perStep >= 64 && System.nanoTime() < deadline);
        assertThat(at[1]).isPositive();
        assertThat(perStep).as("bytes allocated per training step").isLessThan(64);
        if (!trainingExtra.isEmpty()) {
            assertThat(parts.optimizer().learningRate()).as("the schedule changed the rate").isNotEqualTo(0.01);
        }
    }
}
