package io.gradlab.plugins.diagnostics;

import static io.gradlab.plugins.diagnostics.Fakes.normal;
import static org.assertj.core.api.Assertions.assertThat;

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

    /** The engine's figures: the diagnostic reads them and measures nothing. */
    private FakeModel withRatios(double... ratios) {
        FakeModel m = model();
        m.updateRatios = ratios;
        return m;
    }

    @Test
    void theLimitsAreCheckedOnTheEnginesUpdateRatios() {
        FakeModel m = withRatios(1e-3, 1e-7);
        UpdateRatio u = new UpdateRatio(1e-5, 1e-2);
        u.afterBackward(m);
        RecordingSink sink = new RecordingSink();
        u.onEpochEnd(m, sink);
        assertThat(sink.metrics).containsEntry("update_ratio_max", 1e-3).containsEntry("update_ratio_min", 1e-7);
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("small-updates");
            assertThat(f.layer()).isEqualTo("output");
            assertThat(f.evidence()).containsEntry("update_ratio", 1e-7).containsEntry("ratios", Map.of("hidden1", 1e-3, "output", 1e-7));
        });
    }

    @Test
    void aLayerWithoutAMeasurementIsLeftOut() {
        RecordingSink sink = new RecordingSink();
        new UpdateRatio(1e-5, 1e-2).onEpochEnd(withRatios(Double.NaN, 2e-3), sink);
        assertThat(sink.metrics).containsEntry("update_ratio_max", 2e-3).containsEntry("update_ratio_min", 2e-3);
        assertThat(sink.findings).isEmpty();

        RecordingSink none = new RecordingSink();
        new UpdateRatio(1e-5, 1e-2).onEpochEnd(withRatios(Double.NaN, Double.NaN), none);
        new UpdateRatio(1e-5, 1e-2).onEpochEnd(model(), none); // a view that does not keep the figure
        assertThat(none.metrics).isEmpty();
        assertThat(none.findings).isEmpty();
    }

    @Test
    void largeUpdatesAreUnstable() {
        RecordingSink sink = new RecordingSink();
        new UpdateRatio(1e-5, 1e-2).onEpochEnd(withRatios(0.5, 1e-3), sink);
        assertThat(sink.findings).extracting(Finding::code).containsExactly("large-updates");
        assertThat(sink.findings.get(0).severity()).isEqualTo(io.gradlab.api.diag.Severity.CRITICAL);
        assertThat(sink.findings.get(0).layer()).isEqualTo("hidden1");
    }

    @Test
    void aFrozenLayerIsNotReportedForNotMoving() {
        FakeModel m = withRatios(1e-3, 0);
        m.weightedLayers().get(1).weight().setTrainable(false);
        RecordingSink sink = new RecordingSink();
        new UpdateRatio(1e-5, 1e-2).onEpochEnd(m, sink);
        assertThat(sink.findings).isEmpty();
        assertThat(sink.metrics).containsEntry("update_ratio_min", 1e-3);
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
