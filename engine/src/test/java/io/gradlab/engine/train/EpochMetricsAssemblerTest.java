package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.GradientTransform;
import io.gradlab.engine.kernel.BlasOps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EpochMetricsAssemblerTest {
    /** A leaf of that name, weighted or not (the layer itself is not needed). */
    private static LayerView leaf(String name, boolean weighted) {
        Parameter weight = weighted ? new Parameter("weight", Parameter.Role.WEIGHT, Tensor.zeros(DType.F32, 1, 1)) : null;
        return new LayerView(name, null, weight, null);
    }

    @Test
    void aLeafFilesItsFiguresUnderTheNearestWeightedLayerBeforeIt() {
        List<LayerView> leaves = List.of(leaf("norm0", false), leaf("hidden1", true), leaf("norm1", false), leaf("act1", false),
                leaf("hidden2", true), leaf("act2", false), leaf("output", true));
        Map<String, String> owners = EpochMetricsAssembler.owners(leaves);
        assertThat(owners).doesNotContainKey("norm0") // before the first weighted layer: no owner
                .containsEntry("hidden1", "hidden1").containsEntry("norm1", "hidden1").containsEntry("act1", "hidden1")
                .containsEntry("hidden2", "hidden2").containsEntry("act2", "hidden2").containsEntry("output", "output")
                .hasSize(6);
        assertThat(EpochMetricsAssembler.owners(List.of(leaf("act", false)))).isEmpty();
    }

    @Test
    void theFirstFigureWrittenUnderAKeyStaysAndUnownedLayersGoToOtherLayers() {
        Map<String, Map<String, Object>> figures = new LinkedHashMap<>();
        figures.put("norm0", Map.of("act_std", 0.5));
        figures.put("act1", new LinkedHashMap<>(Map.of("act_std", 0.1)));
        figures.put("norm1", Map.of("act_std", 0.2, "units", 8));
        figures.put("hidden1", Map.of("units", 16));
        Map<String, Object> extra = new LinkedHashMap<>();
        Map<String, Map<String, Object>> owned = EpochMetricsAssembler.file(figures,
                Map.of("hidden1", "hidden1", "act1", "hidden1", "norm1", "hidden1"), extra);
        assertThat(owned).containsOnlyKeys("hidden1");
        assertThat(owned.get("hidden1")).containsExactlyInAnyOrderEntriesOf(Map.of("act_std", 0.1, "units", 8));
        assertThat(extra).containsOnlyKeys("other_layers");
        assertThat(extra.get("other_layers")).isEqualTo(List.of(Map.of("name", "norm0", "act_std", 0.5)));

        Map<String, Object> none = new LinkedHashMap<>();
        EpochMetricsAssembler.file(Map.of("hidden1", Map.of("units", 16)), Map.of("hidden1", "hidden1"), none);
        assertThat(none).isEmpty();
    }

    @Test
    void anEpochHasTheLoopsFiguresTheEnginesLayerFiguresAndWhatTheDiagnosticsWrote() {
        Ops ops = new BlasOps();
        ModelState state = ModelStateTest.bound(DType.F32, ops);
        state.nextEpoch();
        state.startEpoch(1);
        for (Parameter p : state.parameters()) {
            p.grad().fill(1);
        }
        state.measureGradients();
        List<String> calls = new ArrayList<>();
        Diagnostic diagnostic = new Diagnostic() {
            @Override
            public void onEpochEnd(ModelView model, DiagnosticSink sink) {
                calls.add("epoch " + model.epoch() + ", grad norm " + model.epochWeightGradNorm(1));
                sink.metric("ratio", 0.5);
                sink.layerMetric("act1", "act_std", 0.25);
                sink.layerMetric("output", "units", 2);
                sink.finding(new Finding(Severity.WARNING, "test", "a test finding", "output", Map.of(), List.of()));
            }
        };
        GradientTransform clip = new GradientTransform() {
            @Override
            public void apply(List<Parameter> parameters, Ops o) {}

            @Override
            public Map<String, Double> lastStats() {
                return Map.of("pre_clip_norm", 3.0);
            }
        };
        Map<String, Object> recorded = new LinkedHashMap<>(Map.of("layerwise_stage", 2));
        EpochMetrics m = new EpochMetricsAssembler(List.of(clip), List.of(diagnostic)).assemble(new EpochMetricsAssembler.Trained(
                1, "stage-2", 2.3, 0.1, new double[] {Double.NaN, Double.NaN}, new double[] {2.2, 0.2}, 0.01, 1000, System.nanoTime()),
                state, recorded);

        assertThat(calls).containsExactly("epoch 1, grad norm " + Math.sqrt(6));
        assertThat(recorded).as("taken for this epoch").isEmpty();
        assertThat(m.epoch()).isEqualTo(1);
        assertThat(m.stage()).isEqualTo("stage-2");
        assertThat(List.of(m.trainLoss(), m.trainAccuracy(), m.testLoss(), m.testAccuracy(), m.learningRate(), m.samplesPerSecond()))
                .containsExactly(2.3, 0.1, 2.2, 0.2, 0.01, 1000.0);
        assertThat(m.valLoss()).isNaN();
        assertThat(m.seconds()).isNotNegative();
        assertThat(m.extra()).containsExactly(Map.entry("layerwise_stage", 2), Map.entry("pre_clip_norm", 3.0), Map.entry("ratio", 0.5));
        assertThat(m.findings()).extracting(Finding::code).containsExactly("test");
        assertThat(m.layers()).extracting(LayerMetrics::name).containsExactly("hidden1", "output");
        LayerMetrics hidden = m.layers().get(0);
        assertThat(hidden.gradNorm()).isEqualTo(state.epochWeightGradNorm(0));
        assertThat(hidden.weightNorm()).isEqualTo(state.weightNorm(0));
        assertThat(hidden.updateRatio()).isZero(); // no step was measured
        assertThat(hidden.extra()).containsExactly(Map.entry("act_std", 0.25));
        assertThat(m.layers().get(1).extra()).containsExactly(Map.entry("units", 2));
    }
}
