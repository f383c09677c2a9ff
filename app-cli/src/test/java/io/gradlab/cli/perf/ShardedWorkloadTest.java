package io.gradlab.cli.perf;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.SplitSteps;
import io.gradlab.engine.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped MLP workloads whose rows are independent train with each batch split by rows over two kernel threads
 * (one copy of the model per thread) to the figures of the whole batch in one pass, every diagnostic's included (they
 * read the whole batch through the gathered views): float64, so that only the order of the sums differs.
 */
class ShardedWorkloadTest {
    private static ComponentRegistry registry;

    @BeforeAll
    static void loadRegistry() {
        registry = new PluginHost(new PluginHostConfig(null, true)).load();
    }

    private static List<EpochMetrics> train(String specPath, boolean split) {
        List<String> overrides = new ArrayList<>(List.of("data.source.subset=embedded", "data.validation=500", "training.batch-size=64",
                "training.epochs=2", "training.dtype=f64"));
        var spec = SpecLoader.load(Path.of("..").resolve(specPath), overrides);
        return SplitSteps.with(split, () -> {
            ExperimentRunner runner = new ExperimentRunner(registry, BlasOps.create("auto", 2));
            return runner.run(runner.resolve(spec), new RunOptions(Path.of("."), Optional.empty(), false), TrainingListener.NONE).history();
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"examples/m05/baseline.yaml", "examples/m05/relu.yaml", "examples/m05/adam.yaml", "examples/m05/skip.yaml"})
    void splitByRowsTrainsToTheWholeBatchsFigures(String specPath) {
        List<EpochMetrics> whole = train(specPath, false);
        List<EpochMetrics> split = train(specPath, true);
        assertThat(split).hasSize(2);
        SplitSteps.assertSameTraining(split, whole, 1e-9);
    }
}
