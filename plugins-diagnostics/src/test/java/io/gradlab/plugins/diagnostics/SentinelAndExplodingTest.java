package io.gradlab.plugins.diagnostics;

import static io.gradlab.plugins.diagnostics.Fakes.normal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.plugins.diagnostics.Fakes.FakeLayer;
import io.gradlab.plugins.diagnostics.Fakes.FakeModel;
import io.gradlab.plugins.diagnostics.Fakes.RecordingSink;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SentinelAndExplodingTest {
    private final Random random = new Random(2);

    /** hidden1 -> act1 -> hidden2 -> act2 -> output, with outputs and gradients set. */
    private FakeModel model() {
        FakeModel m = new FakeModel();
        String[] names = {"hidden1", "act1", "hidden2", "act2", "output"};
        for (String name : names) {
            if (name.startsWith("act")) {
                FakeLayer l = new FakeLayer(name);
                l.output = normal(random, 1, 4, 6);
                m.add(new LayerView(name, l, null, new Fakes.Sigmoid()));
            } else {
                Parameter w = Fakes.weight(normal(random, 0.1, 6, 6));
                FakeLayer l = new FakeLayer(name, w);
                l.output = normal(random, 1, 4, 6);
                w.grad().copyFrom(normal(random, 0.01, 6, 6));
                m.add(new LayerView(name, l, w, null));
            }
        }
        return m;
    }

    private static Finding stopped(Runnable r) {
        try {
            r.run();
        } catch (Diagnostic.StopTraining e) {
            return e.finding();
        }
        throw new AssertionError("the sentinel did not stop the run");
    }

    @Test
    void staysQuietWhileEverythingIsFinite() {
        FakeModel m = model();
        NanSentinel s = new NanSentinel(1);
        assertThatCode(() -> s.afterBackward(m)).doesNotThrowAnyException();
    }

    @Test
    void stopsAtTheFirstLayerWhoseOutputIsNotFiniteAndNamesTheStep() {
        FakeModel m = model();
        m.epoch = 2;
        m.step = 37;
        m.loss = Double.NaN;
        m.layers.get(2).layer().lastOutput().set(5, Double.POSITIVE_INFINITY); // hidden2
        m.layers.get(3).layer().lastOutput().set(1, Double.NaN); // act2, later in the forward pass
        Finding f = stopped(() -> new NanSentinel(1).afterBackward(m));
        assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(f.code()).isEqualTo("non-finite");
        assertThat(f.layer()).isEqualTo("hidden2");
        assertThat(f.message()).contains("layer 'hidden2'").contains("epoch 2, step 37").contains("1 of 24 values, first Infinity");
        assertThat(f.evidence()).containsEntry("step", 37L).containsEntry("epoch", 2);
        assertThat(f.remedies()).anyMatch(r -> r.contains("clip-norm"));
    }

    @Test
    void onSeveralKernelThreadsEachThreadsRowsOfTheOutputsAreScanned() {
        for (int threads : new int[] {2, 3}) {
            for (int row = 0; row < 4; row++) { // 4 rows: with 3 threads parts of 1, 1 and 2 rows
                FakeModel m = model();
                m.partThreads = threads;
                assertThat(m.ops().threads()).isEqualTo(threads);
                m.layers.get(1).layer().lastOutput().set(row * 6 + 5, Double.NaN); // act1, in one part's rows
                m.layers.get(4).layer().lastOutput().set(0, Double.NaN); // the output layer, later in the forward pass
                Finding f = stopped(() -> new NanSentinel(1).afterBackward(m));
                assertThat(f.layer()).as("%d threads, row %d", threads, row).isEqualTo("act1");
                assertThat(f.message()).contains("1 of 24 values");
            }
            FakeModel clean = model();
            clean.partThreads = threads;
            NanSentinel s = new NanSentinel(1);
            assertThatCode(() -> s.afterBackward(clean)).doesNotThrowAnyException();
            assertThatCode(() -> s.afterBackward(clean)).as("the second scan, on the kept groups").doesNotThrowAnyException();
        }
    }

    @Test
    void aNonFiniteLossWithFiniteOutputsIsNamedAsTheLoss() {
        FakeModel m = model();
        m.loss = Double.POSITIVE_INFINITY;
        Finding f = stopped(() -> new NanSentinel(1).afterBackward(m));
        assertThat(f.layer()).isNull();
        assertThat(f.message()).contains("the loss (Infinity)");
    }

    @Test
    void aNonFiniteGradientIsFoundFromTheOutputBackwards() {
        FakeModel m = model();
        m.layers.get(0).weight().grad().set(0, Double.NaN);
        m.layers.get(2).weight().grad().set(3, Double.NaN);
        Finding f = stopped(() -> new NanSentinel(1).afterBackward(m));
        assertThat(f.layer()).isEqualTo("hidden2");
        assertThat(f.message()).contains("the gradient of weight in layer 'hidden2'");
    }

    @Test
    void scansEveryNthStepUnlessTheLossOrAGradientNormIsNotFinite() {
        FakeModel m = model();
        m.layers.get(1).layer().lastOutput().set(0, Double.NaN); // swallowed downstream: loss and gradients finite
        m.step = 3;
        assertThatCode(() -> new NanSentinel(2).afterBackward(m)).doesNotThrowAnyException();
        m.step = 4;
        assertThatThrownBy(() -> new NanSentinel(2).afterBackward(m)).isInstanceOf(Diagnostic.StopTraining.class);
        FakeModel g = model();
        g.step = 3;
        g.layers.get(4).weight().grad().set(0, Double.NaN);
        assertThat(stopped(() -> new NanSentinel(2).afterBackward(g)).layer()).isEqualTo("output");
    }

    @Test
    void theFirstNonFiniteTensorInTheOrderOfComputationIsNamed() {
        FakeModel m = model();
        m.layers.get(4).weight().value().set(2, Double.NaN); // output's weight: checked last
        m.layers.get(0).weight().grad().set(1, Double.NaN); // hidden1's gradient
        m.layers.get(3).layer().lastOutput().set(0, Double.NaN); // act2's output: the forward pass comes first
        assertThat(stopped(() -> new NanSentinel(1).afterBackward(m)).message()).contains("the output of layer 'act2'");
        m.layers.get(3).layer().lastOutput().set(0, 0.5);
        assertThat(stopped(() -> new NanSentinel(1).afterBackward(m)).message()).contains("the weight of layer 'output'");
        m.layers.get(4).weight().value().set(2, 0.1);
        Finding f = stopped(() -> new NanSentinel(1).afterBackward(m));
        assertThat(f.message()).contains("the gradient of weight in layer 'hidden1'").contains("1 of 36 values");
        m.layers.get(0).weight().grad().set(1, 0.0);
        FakeModel fine = m;
        assertThatCode(() -> new NanSentinel(1).afterBackward(fine)).doesNotThrowAnyException();
    }

    private static void scaleGradients(FakeModel m, double factor) {
        for (LayerView v : m.weightedLayers()) {
            Tensor g = v.weight().grad();
            for (int i = 0; i < g.size(); i++) {
                g.set(i, g.get(i) * factor);
            }
        }
    }

    @Test
    void gradientNormsGrowingByOrdersOfMagnitudeAreExploding() {
        FakeModel m = model();
        ExplodingGradient e = new ExplodingGradient(1e9, 2, 3); // a limit it never reaches: growth alone
        for (int s = 1; s <= 12; s++) {
            m.step = s;
            e.afterBackward(m);
            scaleGradients(m, 3);
        }
        RecordingSink sink = new RecordingSink();
        e.onEpochEnd(m, sink);
        assertThat((Double) sink.metrics.get("grad_norm_growth")).isGreaterThan(1000);
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("exploding-gradient");
            assertThat(f.message()).contains("grew");
            assertThat(f.remedies()).anyMatch(r -> r.contains("clip-norm"));
        });
    }

    @Test
    void growthIsMeasuredWithinEachEpochSoThatAResumedRunWritesTheSameFigures() {
        FakeModel m = model();
        ExplodingGradient e = new ExplodingGradient(1e9, 2, 3);
        for (int s = 1; s <= 12; s++) {
            m.step = s;
            e.afterBackward(m);
            scaleGradients(m, 3);
        }
        e.onEpochEnd(m, new RecordingSink());
        m.epoch = 2; // the next epoch starts at the large gradients and stays there: no growth within it
        for (int s = 13; s <= 24; s++) {
            m.step = s;
            e.afterBackward(m);
        }
        RecordingSink sink = new RecordingSink();
        e.onEpochEnd(m, sink);
        assertThat((Double) sink.metrics.get("grad_norm_growth")).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(sink.findings).isEmpty();
    }

    @Test
    void aLossThatBlowsUpWithinTheEpochIsADivergence() {
        FakeModel m = model();
        ExplodingGradient e = new ExplodingGradient(1e9, 2, 3);
        double[] losses = {2.3, 2.2, 2.4, 5, 40, 1e3, 1e8, 1e20, 1e32, 1e32, 1e32, 1e32};
        for (int s = 1; s <= losses.length; s++) {
            m.step = s;
            m.loss = losses[s - 1];
            e.afterBackward(m);
        }
        RecordingSink sink = new RecordingSink();
        e.onEpochEnd(m, sink);
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("diverging-loss");
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.message()).contains("the training diverged").contains("1.00e+32 at step 9");
            assertThat(f.evidence()).containsEntry("max_loss_step", 9L);
        });
        // a loss that falls, or stays, is no divergence; nor the next epoch that starts high and stays there
        m.epoch = 2;
        for (int s = 13; s <= 24; s++) {
            m.step = s;
            m.loss = 1e32;
            e.afterBackward(m);
        }
        RecordingSink next = new RecordingSink();
        e.onEpochEnd(m, next);
        assertThat(next.findings).isEmpty();
    }

    @Test
    void aGradientNormAboveTheLimitIsExplodingAndNamesTheLayer() {
        FakeModel m = model();
        m.layers.get(2).weight().grad().set(0, 5000);
        ExplodingGradient e = new ExplodingGradient(1e3, 2, 3);
        m.step = 4;
        e.afterBackward(m);
        RecordingSink sink = new RecordingSink();
        e.onEpochEnd(m, sink);
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.layer()).isEqualTo("hidden2");
            assertThat(f.message()).contains("at step 4");
        });
    }

    @Test
    void steadyGradientsAreNotExploding() {
        FakeModel m = model();
        ExplodingGradient e = new ExplodingGradient(1e3, 2, 3);
        for (int s = 1; s <= 12; s++) {
            m.step = s;
            e.afterBackward(m);
            scaleGradients(m, s % 2 == 0 ? 1.5 : 1 / 1.5);
        }
        RecordingSink sink = new RecordingSink();
        e.onEpochEnd(m, sink);
        assertThat((Double) sink.metrics.get("grad_norm_growth")).isBetween(0.3, 3.0);
        assertThat(sink.findings).isEmpty();
    }
}
