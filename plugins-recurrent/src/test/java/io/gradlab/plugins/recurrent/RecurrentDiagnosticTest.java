package io.gradlab.plugins.recurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.testkit.ReferenceOps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecurrentDiagnosticTest {
    private static final int STEPS = 20;
    private static final Ops OPS = new ReferenceOps();

    private static final class View implements ModelView {
        private final List<LayerView> layers;
        long step;

        View(Layer... layers) {
            List<LayerView> views = new ArrayList<>();
            for (Layer l : layers) {
                views.add(new LayerView(l.name(), l, l.parameters().isEmpty() ? null : l.parameters().get(0), null));
            }
            this.layers = views;
        }

        @Override
        public List<LayerView> layers() {
            return layers;
        }

        @Override
        public List<LayerView> weightedLayers() {
            return layers;
        }

        @Override
        public int epoch() {
            return 1;
        }

        @Override
        public long step() {
            return step;
        }

        @Override
        public double loss() {
            return 0;
        }

        @Override
        public Ops ops() {
            return OPS;
        }
    }

    private static final class Sink implements DiagnosticSink {
        final Map<String, Object> metrics = new LinkedHashMap<>();
        final Map<String, Map<String, Object>> layers = new LinkedHashMap<>();
        final List<Finding> findings = new ArrayList<>();

        @Override
        public void metric(String key, Object value) {
            metrics.put(key, value);
        }

        @Override
        public void layerMetric(String layer, String key, Object value) {
            layers.computeIfAbsent(layer, k -> new LinkedHashMap<>()).put(key, value);
        }

        @Override
        public void finding(Finding finding) {
            findings.add(finding);
        }
    }

    private static RecurrentDiagnostic diagnostic() {
        return new RecurrentDiagnostic(1e-3, 1e3, true);
    }

    private static RecurrentLayer linear(double rho) {
        RnnLayer layer = new RnnLayer("rnn1", new RecurrentConfig(6, STEPS, 0, false, 0, RecurrentInit.ORTHOGONAL, rho),
                RnnLayer.Activation.IDENTITY);
        layer.build(STEPS * 2, new TestSupport.Context(DType.F32, 1, 0.3));
        return layer;
    }

    private static Tensor input(long seed) {
        return TestSupport.normal(DType.F32, TestSupport.random(seed), 1, 4, STEPS * 2);
    }

    private static void step(RecurrentLayer layer, Diagnostic d, View view, Tensor x, Tensor grad) {
        view.step++;
        layer.forward(x, Mode.TRAIN);
        layer.backward(grad);
        d.afterBackward(view);
    }

    @Test
    void aContractingRecurrenceIsReportedAsVanishingWithItsCurveAndSpectra() {
        RecurrentLayer layer = linear(0.5);
        View view = new View(layer);
        RecurrentDiagnostic d = diagnostic();
        for (int i = 0; i < 3; i++) {
            step(layer, d, view, input(i), TestSupport.normal(DType.F32, TestSupport.random(10 + i), 1, 4, 6));
        }
        Sink sink = new Sink();
        d.onEpochEnd(view, sink);
        Map<String, Object> m = sink.layers.get("rnn1");
        @SuppressWarnings("unchecked")
        List<Double> curve = (List<Double>) m.get("grad_through_time");
        assertThat(curve).hasSize(STEPS);
        assertThat(curve.get(0) / curve.get(STEPS - 1)).isCloseTo(Math.pow(0.5, STEPS - 1), org.assertj.core.data.Percentage.withPercentage(1));
        // the largest single value is at least the largest mean
        assertThat((double) m.get("grad_through_time_max")).isGreaterThanOrEqualTo(curve.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        assertThat((double) m.get("grad_time_gain")).isCloseTo(0.5, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat((double) m.get("w_hh_spectral_radius")).isCloseTo(0.5, org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat((double) m.get("w_hh_max_singular_value")).isCloseTo(0.5, org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("vanishing-gradient-through-time");
            assertThat(f.layer()).isEqualTo("rnn1");
            assertThat(f.message()).contains("'rnn1'").contains("0.5");
            assertThat(f.remedies()).anyMatch(r -> r.contains("lstm"));
        });
    }

    @Test
    void aVanillaRecurrenceThatStaysContractingIsCriticalAndOneThatRecoversIsAWarning() {
        RecurrentLayer layer = linear(0.5);
        View view = new View(layer);
        RecurrentDiagnostic d = diagnostic();
        for (int i = 0; i < 8; i++) {
            step(layer, d, view, input(i), TestSupport.normal(DType.F32, TestSupport.random(10 + i), 1, 4, 6));
        }
        Sink sink = new Sink();
        d.onEpochEnd(view, sink);
        double start = (double) sink.layers.get("rnn1").get("grad_time_ratio_start");
        double end = (double) sink.layers.get("rnn1").get("grad_time_ratio_end");
        assertThat(start).isCloseTo(Math.pow(0.5, STEPS - 1), org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(end).isCloseTo(start, org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.message()).contains("does not recover over the epoch");
        });

        // the next epoch: W_hh grows to spectral radius 0.6 half-way (as training could make it): the ratio grows 32-fold
        for (int i = 0; i < 8; i++) {
            if (i == 4) {
                Tensor w = layer.weightHh().value();
                for (int j = 0; j < w.size(); j++) {
                    w.set(j, w.get(j) * 1.2);
                }
            }
            step(layer, d, view, input(i), TestSupport.normal(DType.F32, TestSupport.random(10 + i), 1, 4, 6));
        }
        Sink next = new Sink();
        d.onEpochEnd(view, next);
        assertThat((double) next.layers.get("rnn1").get("grad_time_ratio_end"))
                .isCloseTo(Math.pow(0.6, STEPS - 1), org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(next.findings).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.message()).contains("small but growing");
        });
    }

    @Test
    void aGatedCellWithAVanishingGradientThroughTimeIsAWarningWithRemediesOfItsOwn() {
        LstmLayer lstm = new LstmLayer("lstm1", new RecurrentConfig(5, STEPS, 0, false, 0, RecurrentInit.ORTHOGONAL, 0.3), 1.0);
        lstm.build(STEPS * 2, new TestSupport.Context(DType.F64, 1, 0.3));
        View view = new View(lstm);
        RecurrentDiagnostic d = new RecurrentDiagnostic(0.5, 1e3, true); // a limit the LSTM's ratio is below
        for (int i = 0; i < 4; i++) {
            view.step++;
            lstm.forward(TestSupport.normal(DType.F64, TestSupport.random(i), 1, 4, STEPS * 2), Mode.TRAIN);
            lstm.backward(TestSupport.normal(DType.F64, TestSupport.random(20 + i), 1, 4, 5));
            d.afterBackward(view);
        }
        Sink sink = new Sink();
        d.onEpochEnd(view, sink);
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("vanishing-gradient-through-time");
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.message()).contains("a gated cell (lstm)");
            assertThat(f.evidence()).containsEntry("gated_cell", "lstm").containsEntry("units", 5);
            assertThat(f.remedies()).isEqualTo(RecurrentDiagnostic.GATED_REMEDIES);
        });
    }

    @Test
    void anExpandingRecurrenceIsReportedAsExploding() {
        RecurrentLayer layer = linear(1.5);
        View view = new View(layer);
        RecurrentDiagnostic d = diagnostic();
        step(layer, d, view, input(1), TestSupport.normal(DType.F32, TestSupport.random(2), 1, 4, 6));
        Sink sink = new Sink();
        d.onEpochEnd(view, sink);
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("exploding-gradient-through-time");
            assertThat(f.remedies()).anyMatch(r -> r.contains("clip-norm"));
        });
        // the next epoch without training steps writes the spectra but no curve
        Sink next = new Sink();
        d.onEpochEnd(view, next);
        assertThat(next.layers.get("rnn1")).containsKey("w_hh_spectral_radius").doesNotContainKey("grad_through_time");
        assertThat(next.findings).isEmpty();
    }

    @Test
    void gatedCellsReportTheSpectraOfEachGateBlock() {
        LstmLayer lstm = new LstmLayer("lstm1", new RecurrentConfig(5, 4, 0, false, 0, RecurrentInit.ORTHOGONAL, 0.8), 1.0);
        lstm.build(8, new TestSupport.Context(DType.F64, 1, 0.3));
        Sink sink = new Sink();
        diagnostic().onEpochEnd(new View(lstm), sink);
        @SuppressWarnings("unchecked")
        Map<String, Object> radius = (Map<String, Object>) sink.layers.get("lstm1").get("w_hh_spectral_radius");
        assertThat(radius).containsOnlyKeys("i", "f", "g", "o");
        assertThat((double) radius.get("f")).isCloseTo(0.8, org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat((double) sink.layers.get("lstm1").get("w_hh_norm")).isCloseTo(0.8 * 2, org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat(lstm.biasIh().value().get(5)).isEqualTo(1.0); // forget gate bias
        assertThat(lstm.biasIh().value().get(0)).isZero();
        assertThat(lstm.biasHh().value().get(5)).isZero();
    }

    @Test
    void aNonFiniteHiddenStateStopsTheRunNamingTheTimeStep() {
        RecurrentLayer layer = linear(0.9);
        View view = new View(layer);
        RecurrentDiagnostic d = diagnostic();
        Tensor x = input(1);
        x.set(0, 7 * 2 + 1, Float.NaN); // sample 0, step 7, feature 1
        assertThatThrownBy(() -> step(layer, d, view, x, Tensor.zeros(DType.F32, 4, 6)))
                .isInstanceOf(Diagnostic.StopTraining.class)
                .hasMessageContaining("hidden state h_t of recurrent layer 'rnn1' became NaN at time step 7 of 20")
                .hasMessageContaining("forward pass")
                .satisfies(e -> {
                    Finding f = ((Diagnostic.StopTraining) e).finding();
                    assertThat(f.code()).isEqualTo("non-finite-recurrent");
                    assertThat(f.evidence()).containsEntry("time_step", 7);
                    assertThat(f.remedies()).anyMatch(r -> r.contains("clip-norm"));
                });
    }

    @Test
    void onceArmedTheLayerStopsTheRunInTheForwardPassItself() {
        RecurrentLayer layer = linear(0.9);
        View view = new View(layer);
        RecurrentDiagnostic d = diagnostic();
        step(layer, d, view, input(1), TestSupport.normal(DType.F32, TestSupport.random(2), 1, 4, 6));
        Tensor x = input(3);
        x.set(2, 12 * 2, Float.POSITIVE_INFINITY);
        assertThatThrownBy(() -> layer.forward(x, Mode.TRAIN))
                .isInstanceOf(Diagnostic.StopTraining.class)
                .hasMessageContaining("at time step 12 of 20")
                .hasMessageContaining("training step 2")
                .hasMessageContaining("the previous update made the recurrence unstable")
                .hasMessageContaining("the largest ||dL/dh_t|| this epoch before it");
        // evaluation passes never stop the run
        layer.clearNonFinite();
        assertThat(layer.forward(x, Mode.EVAL).allFinite()).isFalse();
    }

    @Test
    void aNonFiniteGradientStopsTheRunNamingTheLastStepItReached() {
        RecurrentLayer layer = linear(0.9);
        View view = new View(layer);
        RecurrentDiagnostic d = diagnostic();
        step(layer, d, view, input(1), TestSupport.normal(DType.F32, TestSupport.random(2), 1, 4, 6));
        double[] finite = layer.lastGradientNorms();
        Tensor grad = Tensor.zeros(DType.F32, 4, 6);
        grad.set(1, Float.POSITIVE_INFINITY);
        assertThatThrownBy(() -> step(layer, d, view, input(1), grad))
                .isInstanceOf(Diagnostic.StopTraining.class)
                .hasMessageContaining("gradient dL/dh_t of recurrent layer 'rnn1' became Infinity at time step 19 of 20")
                .hasMessageContaining("backward pass")
                .hasMessageContaining("already non-finite where it enters the layer from above")
                .satisfies(e -> {
                    // the curve of the last finite backward pass, the one before the explosion
                    Object curve = ((Diagnostic.StopTraining) e).finding().evidence().get("grad_through_time_before_stop");
                    assertThat((List<?>) curve).hasSize(STEPS).first().isEqualTo(finite[0]);
                });
    }

    @Test
    void withoutTheSentinelNothingStops() {
        RecurrentLayer layer = linear(0.9);
        View view = new View(layer);
        Tensor x = input(1);
        x.set(0, Float.NaN);
        step(layer, new RecurrentDiagnostic(1e-3, 1e3, false), view, x, Tensor.zeros(DType.F32, 4, 6));
        assertThat(layer.nonFinite()).isNotNull();
        assertThat(layer.nonFinite().timeStep()).isZero();
    }
}
