package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.SpecLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Same seed and same kernel thread count: bit-identical training, with the products and elementwise passes split over threads. */
class ThreadedDeterminismTest {
    private static ComponentRegistry registry;

    @BeforeAll
    static void loadRegistry() {
        registry = new PluginHost(new PluginHostConfig(null, true)).load();
    }

    private static List<EpochMetrics> train(int threads) {
        var spec = SpecLoader.parse("""
                name: threads
                data: {source: {id: fashion-mnist, subset: embedded}, validation: 0}
                model:
                  architecture: {id: mlp, depth: 3, width: 128, activation: sigmoid}
                training: {epochs: 2, batch-size: 512, optimizer: {id: sgd, lr: 0.1}, seed: 11}
                """, "threads.yaml", Path.of("."), List.of());
        ExperimentRunner runner = new ExperimentRunner(registry, BlasOps.create("auto", threads));
        return runner.run(spec, new RunOptions(Path.of("."), Optional.empty(), false), TrainingListener.NONE).history();
    }

    @Test
    void twoThreadsTwiceGiveTheSameBits() {
        List<EpochMetrics> a = train(2);
        List<EpochMetrics> b = train(2);
        assertThat(a).hasSize(2);
        for (int e = 0; e < a.size(); e++) {
            assertThat(b.get(e).trainLoss()).isEqualTo(a.get(e).trainLoss());
            assertThat(b.get(e).testLoss()).isEqualTo(a.get(e).testLoss());
            for (int l = 0; l < a.get(e).layers().size(); l++) {
                assertThat(b.get(e).layers().get(l).gradNorm()).isEqualTo(a.get(e).layers().get(l).gradNorm());
                assertThat(b.get(e).layers().get(l).weightNorm()).isEqualTo(a.get(e).layers().get(l).weightNorm());
            }
        }
        // and it trains like the single-threaded run (equal up to rounding)
        List<EpochMetrics> one = train(1);
        assertThat(a.get(1).trainLoss()).isCloseTo(one.get(1).trainLoss(), org.assertj.core.api.Assertions.within(1e-3));
    }
}
