package io.gradlab.cli.perf;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.TrainingListener;
import io.gradlab.engine.train.TrainingSession;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every shipped workload's warm training step allocates nothing, with its default diagnostics, on the
 * training thread and on the kernel threads: the spec as shipped, on the embedded FashionMNIST subset,
 * at batch 50, two kernel threads. The convolutional workloads (a ResNet and a plain CNN with batch norm, with the
 * default diagnostics and {@code dead-channels}) are made small to keep the test fast: depth 8 and width 4, channels 4
 * and 8, batch 8 on the first 800 training images (the same 100 steps per epoch).
 */
class WorkloadAllocationTest {
    private static ComponentRegistry registry;

    @BeforeAll
    static void loadRegistry() {
        registry = new PluginHost(new PluginHostConfig(null, true)).load();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"examples/demo.yaml", "examples/m05/relu.yaml", "examples/m05/adam.yaml", "examples/m05/skip.yaml",
            "examples/m05/batchnorm.yaml", "examples/rnn/fashion-lstm.yaml", "examples/rnn/fashion-gru.yaml",
            "examples/resnet/resnet20.yaml " + SMALL_CONV + " model.architecture.depth=8 model.architecture.width=4",
            "examples/resnet/plain20.yaml " + SMALL_CONV + " model.architecture.depth=8 model.architecture.width=4",
            "examples/resnet/cnn.yaml " + SMALL_CONV + " model.architecture.channels=[4,8] model.architecture.hidden=[16]"
                    + " model.architecture.batch-norm=true"})
    void aWarmStepAllocatesNothing(String workload) {
        String[] words = workload.split(" ");
        String specPath = words[0];
        Path file = Path.of("..").resolve(specPath);
        List<String> overrides = new java.util.ArrayList<>(List.of("data.source.subset=embedded", "data.validation=0", "training.batch-size=50",
                "training.epochs=20"));
        overrides.addAll(Arrays.asList(words).subList(1, words.length));
        var spec = SpecLoader.load(file, overrides);
        if (specPath.contains("/resnet/")) {
            assertThat(spec.diagnostics()).as("the extra diagnostics of " + specPath).extracting(d -> d.id().value()).contains("dead-channels");
        }
        ExperimentRunner runner = new ExperimentRunner(registry, BlasOps.create("auto", 2));
        TrainingSession.Parts parts = runner.prepare(runner.resolve(spec), new RunOptions(Path.of("."), Optional.empty(), false)).parts();
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[][] ids = {new long[0]};
        long[] before = new long[16];
        long[] after = new long[16];
        int from = 20;
        int to = 60;
        int[] measured = {4};
        TrainingListener probe = new TrainingListener() {
            @Override
            public void onStep(int epoch, int step, int stepsPerEpoch, double loss, double accuracy, double samplesPerSecond) {
                if (epoch == measured[0] && (step == from || step == to)) {
                    long[] into = step == from ? before : after;
                    into[0] = mx.getCurrentThreadAllocatedBytes(); // first: the reads below allocate nothing
                    for (int i = 0; i < ids[0].length; i++) {
                        into[i + 1] = mx.getThreadAllocatedBytes(ids[0][i]);
                    }
                }
            }
        };
        TrainingSession session = new TrainingSession(parts, probe, m -> {});
        // warm-up: buffers for every batch size, and the JIT (the Vector API boxes vectors until C2 compiled the kernels)
        for (int e = 1; e < measured[0]; e++) {
            session.trainEpoch(null);
        }
        // measured epochs until one is quiet, at most 12: the JIT may still be compiling a Vector API kernel (which
        // boxes its vectors until C2 has compiled it; in a JVM that has run many tests before, the compiler's queue
        // can hold one back for a while); an allocation of the step itself shows in every one
        double least = Double.MAX_VALUE;
        for (int round = 0; round < 12 && least >= 64; round++, measured[0]++) {
            ids[0] = kernelThreads();
            Arrays.fill(after, 0);
            session.trainEpoch(null);
            long bytes = 0;
            for (int i = 0; i <= ids[0].length; i++) {
                // a kernel thread that went idle and exited in between reads -1
                bytes += before[i] >= 0 && after[i] >= 0 ? after[i] - before[i] : 0;
            }
            assertThat(after[0]).as("the probe saw the measured steps").isPositive();
            least = Math.min(least, bytes / (double) (to - from));
        }
        assertThat(least).as("bytes allocated per warm training step of " + specPath).isLessThan(64);
    }

    /** Batch 8 on the first 800 images: 100 steps per epoch, as the other workloads' batch 50 on all 5000. */
    private static final String SMALL_CONV = "training.batch-size=8 data.source.train-size=800";

    /** The ids of the kernel threads now running. */
    private static long[] kernelThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("gradlab-kernel"))
                .mapToLong(Thread::getId).limit(15).toArray();
    }
}
