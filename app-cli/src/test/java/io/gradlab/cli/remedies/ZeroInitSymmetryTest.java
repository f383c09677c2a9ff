package io.gradlab.cli.remedies;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.TrainingListener;
import io.gradlab.engine.train.TrainingSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The symmetry problem through the engine: from zero weights, linear, logistic and softmax regression
 * learn, while every hidden unit of a zero-initialised MLP keeps the same weights as its neighbours.
 */
class ZeroInitSymmetryTest {
    private static ComponentRegistry registry;

    @BeforeAll
    static void load() {
        registry = new PluginHost(new PluginHostConfig(null, true)).load();
    }

    /** Trains {@code spec} in memory; returns the trained model and the metrics. */
    record Trained(Layer model, List<EpochMetrics> history) {}

    static Trained train(String yaml) {
        ExperimentSpec spec = SpecLoader.parse(yaml, "symmetry.yaml", Path.of("."), List.of());
        ExperimentRunner runner = ExperimentRunner.withDefaultKernels(registry);
        ExperimentRunner.Prepared prepared = runner.prepare(runner.resolve(spec), RunOptions.writingTo(Path.of("unused")));
        List<EpochMetrics> history = new ArrayList<>();
        TrainingSession session = new TrainingSession(prepared.parts(), TrainingListener.NONE, history::add);
        prepared.strategy().run(session);
        return new Trained(session.model(), history);
    }

    static String spec(String data, String architecture, String loss, int epochs, double lr) {
        return """
                name: symmetry
                data:
                  source: %s
                  validation: 0
                model:
                  architecture: %s
                  loss: %s
                training:
                  epochs: %d
                  batch-size: 100
                  optimizer: {id: sgd, lr: %s}
                  seed: 3
                """.formatted(data, architecture, loss, epochs, lr);
    }

    static Tensor weight(Layer model, String name) {
        for (Layer l : model.children()) {
            if (l.name().equals(name)) {
                return l.parameters().stream().filter(p -> p.role() == Parameter.Role.WEIGHT).findFirst().orElseThrow().value();
            }
        }
        throw new AssertionError("no layer " + name);
    }

    @Test
    void regressionsLearnFromZeroWeights() {
        Trained linear = train(spec("{id: synthetic, task: linear, features: 8, train-samples: 500, test-samples: 200}",
                "{id: mlp, depth: 0, init: zeros}", "mse", 5, 0.1));
        assertThat(linear.history().get(4).testLoss()).isLessThan(0.1 * linear.history().get(0).trainLoss());
        Trained logistic = train(spec("{id: synthetic, task: logistic, features: 8, train-samples: 500, test-samples: 200}",
                "{id: mlp, depth: 0, init: zeros}", "bce-with-logits", 5, 0.5));
        assertThat(logistic.history().get(4).testLoss()).isLessThan(0.5); // ln 2 = 0.693 at the zero start
        Trained softmax = train(spec("{id: fashion-mnist, subset: embedded}", "{id: mlp, depth: 0, init: zeros}",
                "softmax-cross-entropy", 1, 0.1));
        assertThat(softmax.history().get(0).testAccuracy()).isGreaterThan(0.6);
        Tensor w = weight(softmax.model(), "output");
        assertThat(rowsDiffer(w)).isTrue();
    }

    @Test
    void aZeroInitialisedMlpKeepsEveryHiddenUnitIdentical() {
        Trained mlp = train(spec("{id: fashion-mnist, subset: embedded}", "{id: mlp, hidden: [16, 16], activation: sigmoid, init: zeros}",
                "softmax-cross-entropy", 1, 0.5));
        for (String layer : List.of("hidden1", "hidden2")) {
            Tensor w = weight(mlp.model(), layer);
            assertThat(maxAbs(w)).as(layer + " has learnt something").isGreaterThan(0);
            assertThat(maxRowDifference(w)).as(layer + ": every unit's weights equal the first unit's").isLessThanOrEqualTo(1e-6 * maxAbs(w));
        }
        // the output layer sees 16 identical features: its columns are identical as well
        Tensor out = weight(mlp.model(), "output");
        for (int r = 0; r < out.rows(); r++) {
            for (int c = 1; c < out.cols(); c++) {
                assertThat(Math.abs(out.get(r, c) - out.get(r, 0))).isLessThanOrEqualTo(1e-6 * maxAbs(out));
            }
        }
        // the same network from random weights: the units differ
        Trained random = train(spec("{id: fashion-mnist, subset: embedded}",
                "{id: mlp, hidden: [16, 16], activation: sigmoid, init: {id: normal, std: 0.1}}", "softmax-cross-entropy", 1, 0.5));
        assertThat(maxRowDifference(weight(random.model(), "hidden1"))).isGreaterThan(0.01);
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (int i = 0; i < t.size(); i++) {
            m = Math.max(m, Math.abs(t.get(i)));
        }
        return m;
    }

    private static double maxRowDifference(Tensor w) {
        double d = 0;
        for (int r = 1; r < w.rows(); r++) {
            for (int c = 0; c < w.cols(); c++) {
                d = Math.max(d, Math.abs(w.get(r, c) - w.get(0, c)));
            }
        }
        return d;
    }

    private static boolean rowsDiffer(Tensor w) {
        return maxRowDifference(w) > 0;
    }
}
