package io.gradlab.plugins.diagnostics;

import static io.gradlab.plugins.diagnostics.Fakes.normal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.plugins.diagnostics.Fakes.FakeLayer;
import io.gradlab.plugins.diagnostics.Fakes.FakeModel;
import io.gradlab.plugins.diagnostics.Fakes.RecordingSink;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RatioAndHistogramTest {
    private final Random random = new Random(9);

    private FakeModel model() {
        Parameter a = Fakes.weight(normal(random, 1, 20, 10));
        Parameter b = Fakes.weight(normal(random, 1, 5, 20));
        return new FakeModel()
                .add(new LayerView("hidden1", new FakeLayer("hidden1", a), a, null))
                .add(new LayerView("output", new FakeLayer("output", b), b, null));
    }

    /** An optimizer step that moves every weight by {@code relative} of its own value. */
    private static void step(FakeModel m, String layer, double relative) {
        for (LayerView v : m.weightedLayers()) {
            if (v.name().equals(layer)) {
                Tensor w = v.weight().value();
                for (int i = 0; i < w.size(); i++) {
                    w.set(i, w.get(i) * (1 + relative));
                }
            }
        }
    }

    @Test
    void theUpdateRatioIsMeasuredBetweenASampledStepAndTheNext() {
        FakeModel m = model();
        UpdateRatio u = new UpdateRatio(1, 1e-5, 1e-2);
        for (int s = 1; s <= 4; s++) {
            m.step = s;
            u.afterBackward(m);
            step(m, "hidden1", 1e-3);
            step(m, "output", 1e-7);
        }
        m.step = 5;
        u.afterBackward(m);
        RecordingSink sink = new RecordingSink();
        u.onEpochEnd(m, sink);
        assertThat((Double) sink.metrics.get("update_ratio_max")).isCloseTo(1e-3, within(1e-5));
        assertThat((Double) sink.metrics.get("update_ratio_min")).isCloseTo(1e-7, within(1e-8));
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("small-updates");
            assertThat(f.layer()).isEqualTo("output");
        });
    }

    @Test
    void aSampleIsNotComparedAcrossAnEpochBoundary() {
        FakeModel m = model();
        UpdateRatio u = new UpdateRatio(1, 1e-5, 1e-2);
        u.afterBackward(m); // sampled in epoch 1
        u.onEpochEnd(m, new RecordingSink());
        step(m, "hidden1", 0.5);
        m.epoch = 2;
        m.step = 2;
        u.afterBackward(m); // epoch 2: the pair with epoch 1's sample is dropped
        RecordingSink sink = new RecordingSink();
        u.onEpochEnd(m, sink);
        assertThat(sink.metrics).doesNotContainKey("update_ratio_max");
    }

    @Test
    void largeUpdatesAreUnstable() {
        FakeModel m = model();
        UpdateRatio u = new UpdateRatio(1, 1e-5, 1e-2);
        u.afterBackward(m);
        step(m, "hidden1", 0.5);
        step(m, "output", 1e-3);
        m.step = 2;
        u.afterBackward(m);
        RecordingSink sink = new RecordingSink();
        u.onEpochEnd(m, sink);
        assertThat(sink.findings).extracting(Finding::code).containsExactly("large-updates");
        assertThat(sink.findings.get(0).severity()).isEqualTo(io.gradlab.api.diag.Severity.CRITICAL);
    }

    @Test
    void aFrozenLayerIsNotReportedForNotMoving() {
        FakeModel m = model();
        m.weightedLayers().get(1).weight().setTrainable(false);
        UpdateRatio u = new UpdateRatio(1, 1e-5, 1e-2);
        u.afterBackward(m);
        step(m, "hidden1", 1e-3);
        m.step = 2;
        u.afterBackward(m);
        RecordingSink sink = new RecordingSink();
        u.onEpochEnd(m, sink);
        assertThat(sink.findings).isEmpty();
    }

    @Test
    void aHistogramCountsEveryValueInSymmetricBins() {
        Tensor t = Tensor.of(DType.F64, new double[] {-1, -0.5, 0, 0, 0.25, 1, Double.NaN}, 7);
        Histogram h = Histogram.of(t, 4);
        assertThat(h.lo()).isEqualTo(-1);
        assertThat(h.hi()).isEqualTo(1);
        assertThat(h.counts()).containsExactly(1, 1, 3, 1);
        assertThat(h.total()).isEqualTo(6);
        assertThat(Histogram.of(Tensor.zeros(DType.F32, 3), 5).counts()).containsExactly(0, 0, 3, 0, 0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void histogramsAreWrittenAtTheChosenEpochsOnly() {
        FakeModel m = model();
        m.epochs = 5;
        Histograms h = new Histograms(List.of(1), 0, true, 10);
        for (int e = 1; e <= 5; e++) {
            m.epoch = e;
            h.afterBackward(m);
            RecordingSink sink = new RecordingSink();
            h.onEpochEnd(m, sink);
            if (e == 1 || e == 5) {
                Map<String, Object> wh = (Map<String, Object>) sink.layers.get("hidden1").get("weight_hist");
                List<Long> counts = (List<Long>) wh.get("counts");
                assertThat(counts).hasSize(10);
                assertThat(counts.stream().mapToLong(Long::longValue).sum()).isEqualTo(200L);
                assertThat(sink.layers.get("output")).containsKeys("weight_hist", "grad_hist");
            } else {
                assertThat(sink.layers).as("epoch " + e).isEmpty();
            }
        }
    }
}
