package io.gradlab.plugins.diagnostics;

import static io.gradlab.plugins.diagnostics.Fakes.denseThenActivation;
import static io.gradlab.plugins.diagnostics.Fakes.normal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.Severity;
import io.gradlab.plugins.diagnostics.Fakes.FakeModel;
import io.gradlab.plugins.diagnostics.Fakes.RecordingSink;
import io.gradlab.api.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Dead units, saturation and activation statistics on a one-layer model evaluated for real. */
class UnitHealthTest {
    private final Random random = new Random(11);

    private FakeModel model(double weightStd, double bias, io.gradlab.api.nn.Activation activation) {
        Tensor x = normal(random, 1.0, 64, 20);
        Tensor w = normal(random, weightStd, 32, 20);
        FakeModel m = new FakeModel();
        denseThenActivation(x, w, bias, activation).forEach(m::add);
        return m;
    }

    @Test
    void aReluLayerWithALargeNegativeBiasIsDead() {
        FakeModel m = model(0.1, -5, new Fakes.Relu());
        DeadUnits d = new DeadUnits(0.1, 0.5);
        RecordingSink sink = new RecordingSink();
        for (int s = 1; s <= 3; s++) {
            m.step = s;
            d.afterBackward(m);
        }
        d.onEpochEnd(m, sink);
        assertThat(sink.layer("act1", "dead_fraction")).isCloseTo(1.0, within(1e-9));
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.code()).isEqualTo("dead-units");
            assertThat(f.layer()).isEqualTo("act1");
            assertThat(f.message()).contains("32 of 32 units");
            assertThat(f.remedies()).anyMatch(r -> r.contains("bias-init"));
        });
    }

    @Test
    void aHealthyReluLayerHasFewDeadUnitsAndNoFinding() {
        FakeModel m = model(0.5, 0, new Fakes.Relu());
        DeadUnits d = new DeadUnits(0.1, 0.5);
        RecordingSink sink = new RecordingSink();
        d.afterBackward(m);
        d.onEpochEnd(m, sink);
        assertThat(sink.layer("act1", "dead_fraction")).isLessThan(0.1);
        assertThat(sink.findings).isEmpty();
    }

    @Test
    void aUnitIsDeadOnlyIfZeroForEverySampleOfTheEpoch() {
        FakeModel m = model(0.1, -5, new Fakes.Relu());
        DeadUnits d = new DeadUnits(0.1, 0.5);
        d.afterBackward(m);
        Tensor out = m.layers.get(1).layer().lastOutput();
        out.set(3 * 32 + 7, 0.5); // unit 7 fires once, in a second batch
        d.afterBackward(m);
        RecordingSink sink = new RecordingSink();
        d.onEpochEnd(m, sink);
        assertThat(sink.layer("act1", "dead_fraction")).isCloseTo(31.0 / 32, within(1e-9));
    }

    @Test
    void unitsThatDieDuringTheEpochAreDeadWithTheStepTheyDied() {
        FakeModel m = model(0.5, 0, new Fakes.Relu());
        DeadUnits d = new DeadUnits(0.1, 0.5);
        Tensor out = m.layers.get(1).layer().lastOutput();
        int rows = out.rows();
        m.step = 101;
        for (int s = 0; s < 40; s++) {
            if (s == 20) { // units 0..15 die at the 21st step of the epoch (step 121)
                for (int r = 0; r < rows; r++) {
                    for (int u = 0; u < 16; u++) {
                        out.set(r * 32 + u, 0);
                    }
                }
            }
            d.afterBackward(m);
            m.step++;
        }
        RecordingSink sink = new RecordingSink();
        d.onEpochEnd(m, sink);
        assertThat(sink.layer("act1", "dead_fraction")).isGreaterThanOrEqualTo(0.5);
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.layer()).isEqualTo("act1");
            assertThat(f.evidence()).containsEntry("died_first_step", 121L).containsEntry("epoch_steps", 40);
            assertThat(f.message()).contains("since step 121").contains("of layer 'act1'").contains("to its end at step 140");
        });
    }

    @Test
    void aUnitSilentOnlyInTheLastStepIsNotDead() {
        FakeModel m = model(0.5, 0, new Fakes.Relu());
        DeadUnits d = new DeadUnits(0.1, 0.5);
        Tensor out = m.layers.get(1).layer().lastOutput();
        for (int s = 0; s < 8; s++) {
            if (s == 7) { // every unit silent in the last of 8 steps: a quarter of the epoch is 2 steps
                for (int i = 0; i < out.size(); i++) {
                    out.set(i, 0);
                }
            }
            d.afterBackward(m);
        }
        RecordingSink sink = new RecordingSink();
        d.onEpochEnd(m, sink);
        assertThat(sink.layer("act1", "dead_fraction")).isLessThan(0.1);
        assertThat(sink.findings).isEmpty();
    }

    @Test
    void sigmoidWithStd10WeightsSaturates() {
        FakeModel m = model(10, 0, new Fakes.Sigmoid());
        Saturation s = new Saturation(1, 0.01, 0.5, 0.2, 0.5);
        RecordingSink sink = new RecordingSink();
        s.afterBackward(m);
        s.onEpochEnd(m, sink);
        assertThat(sink.layer("act1", "saturated_fraction")).isGreaterThan(0.9);
        Finding f = sink.findings.get(0);
        assertThat(f.code()).isEqualTo("saturation");
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.remedies()).anyMatch(r -> r.contains("examples/m05/relu.yaml"));
    }

    @Test
    void sigmoidWithSmallWeightsDoesNotSaturate() {
        FakeModel m = model(0.1, 0, new Fakes.Sigmoid());
        Saturation s = new Saturation(1, 0.01, 0.5, 0.2, 0.5);
        RecordingSink sink = new RecordingSink();
        s.afterBackward(m);
        s.onEpochEnd(m, sink);
        assertThat(sink.layer("act1", "saturated_fraction")).isZero();
        assertThat(sink.findings).isEmpty();
    }

    @Test
    void saturationIgnoresRectifyingLayersAndDeadUnitsIgnoreSaturatingOnes() {
        RecordingSink sink = new RecordingSink();
        FakeModel relu = model(10, 0, new Fakes.Relu());
        Saturation s = new Saturation(1, 0.01, 0.5, 0.2, 0.5);
        s.afterBackward(relu);
        s.onEpochEnd(relu, sink);
        FakeModel sigmoid = model(0.1, -50, new Fakes.Sigmoid());
        DeadUnits d = new DeadUnits(0.1, 0.5);
        d.afterBackward(sigmoid);
        d.onEpochEnd(sigmoid, sink);
        assertThat(sink.layers).isEmpty();
        assertThat(sink.findings).isEmpty();
    }

    @Test
    void activationStatisticsAreTheMeanAndStdOfTheSampledOutputs() {
        FakeModel m = model(1, 0, new Fakes.Sigmoid());
        Tensor out = m.layers.get(1).layer().lastOutput();
        double mean = 0;
        for (int i = 0; i < out.size(); i++) {
            mean += out.get(i);
        }
        mean /= out.size();
        double var = 0;
        for (int i = 0; i < out.size(); i++) {
            var += (out.get(i) - mean) * (out.get(i) - mean);
        }
        ActivationStats a = new ActivationStats(2);
        RecordingSink sink = new RecordingSink();
        a.afterBackward(m); // sampled (first of the epoch)
        Tensor saved = out.copy();
        out.fill(100); // not sampled: must not count
        a.afterBackward(m);
        out.copyFrom(saved);
        a.onEpochEnd(m, sink);
        assertThat(sink.layer("act1", "act_mean")).isCloseTo(mean, within(1e-5));
        assertThat(sink.layer("act1", "act_std")).isCloseTo(Math.sqrt(var / out.size()), within(1e-5));
        assertThat(sink.findings).isEmpty();
    }

    @Test
    void constantActivationsAreReported() {
        FakeModel m = model(0, 0, new Fakes.Sigmoid()); // zero weights: every output is 0.5
        ActivationStats a = new ActivationStats(1);
        RecordingSink sink = new RecordingSink();
        a.afterBackward(m);
        a.onEpochEnd(m, sink);
        assertThat(sink.layer("act1", "act_std")).isLessThan(1e-6);
        assertThat(sink.findings).singleElement().extracting(Finding::code).isEqualTo("constant-activations");
    }
}
