package io.gradlab.cli.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.LayerMetrics;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.SplitSteps;
import io.gradlab.engine.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        for (int e = 0; e < split.size(); e++) {
            EpochMetrics s = split.get(e);
            EpochMetrics w = whole.get(e);
            assertThat(s.trainLoss()).isCloseTo(w.trainLoss(), within(1e-9 * Math.abs(w.trainLoss())));
            assertThat(s.trainAccuracy()).isEqualTo(w.trainAccuracy());
            assertThat(s.testLoss()).isCloseTo(w.testLoss(), within(1e-9 * Math.abs(w.testLoss())));
            assertThat(s.findings()).hasSameSizeAs(w.findings());
            assertThat(s.layers()).hasSameSizeAs(w.layers());
            for (int l = 0; l < s.layers().size(); l++) {
                LayerMetrics sl = s.layers().get(l);
                LayerMetrics wl = w.layers().get(l);
                assertThat(sl.gradNorm()).as("%s grad norm", sl.name()).isCloseTo(wl.gradNorm(), within(1e-9 * wl.gradNorm()));
                assertThat(sl.updateRatio()).isCloseTo(wl.updateRatio(), within(1e-9 * Math.abs(wl.updateRatio())));
                assertSameFigures(sl.extra(), wl.extra(), specPath + " " + sl.name());
            }
            assertSameFigures(s.extra(), w.extra(), specPath + " epoch " + s.epoch());
        }
    }

    /** Every figure of {@code expected} is in {@code actual}: numbers equal up to float64 rounding, the rest equal. */
    private static void assertSameFigures(Map<String, Object> actual, Map<String, Object> expected, String where) {
        assertThat(actual.keySet()).as(where).isEqualTo(expected.keySet());
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            Object a = actual.get(e.getKey());
            if (e.getValue() instanceof Double w) {
                double s = ((Number) a).doubleValue();
                assertThat(s).as("%s %s", where, e.getKey()).isCloseTo(w, within(1e-9 * Math.max(1e-300, Math.abs(w))));
            } else if (e.getValue() instanceof Map<?, ?> || e.getValue() instanceof List<?>) {
                assertThat(a).as("%s %s", where, e.getKey()).isNotNull();
            } else {
                assertThat(a).as("%s %s", where, e.getKey()).isEqualTo(e.getValue());
            }
        }
    }
}
