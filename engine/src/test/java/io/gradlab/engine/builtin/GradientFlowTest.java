package io.gradlab.engine.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.testkit.ReferenceOps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code gradient-flow} reads the epoch's mean gradient norms the engine measured, and measures nothing itself. */
class GradientFlowTest {
    /** Weighted layers {@code hidden1..} and {@code output} with the engine's epoch means; per-step norms are not there to read. */
    private static ModelView view(double... epochMeans) {
        List<LayerView> layers = new ArrayList<>();
        for (int i = 0; i < epochMeans.length; i++) {
            String name = i == epochMeans.length - 1 ? "output" : "hidden" + (i + 1);
            layers.add(new LayerView(name, null, new Parameter("weight", Parameter.Role.WEIGHT, Tensor.zeros(DType.F32, 1, 1)), null));
        }
        return new ModelView() {
            @Override
            public Ops ops() {
                return new ReferenceOps();
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
                return 10;
            }

            @Override
            public double loss() {
                return 1;
            }

            @Override
            public double[] weightGradNorms() {
                throw new AssertionError("gradient-flow reads the epoch's means, not a step's norms");
            }

            @Override
            public double epochWeightGradNorm(int index) {
                return epochMeans[index];
            }
        };
    }

    private static final class Sink implements DiagnosticSink {
        final Map<String, Object> metrics = new LinkedHashMap<>();
        final List<Finding> findings = new ArrayList<>();

        @Override
        public void metric(String key, Object value) {
            metrics.put(key, value);
        }

        @Override
        public void layerMetric(String layer, String key, Object value) {
            throw new AssertionError("no layer figures");
        }

        @Override
        public void finding(Finding finding) {
            findings.add(finding);
        }
    }

    private static Sink epochEnd(ModelView view) {
        Sink sink = new Sink();
        GradientFlow flow = new GradientFlow(0.01, 100);
        flow.afterBackward(view); // nothing to do per step
        flow.onEpochEnd(view, sink);
        return sink;
    }

    @Test
    void aVanishingGradientNamesEveryEarlyLayerBelowTheRatio() {
        Sink sink = epochEnd(view(1e-6, 5e-4, 2e-2, 0.1, 0.5));
        assertThat(sink.metrics).containsOnlyKeys("grad_ratio_first_last");
        assertThat((double) sink.metrics.get("grad_ratio_first_last")).isEqualTo(1e-6 / 0.1);
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.code()).isEqualTo("vanishing-gradient");
            assertThat(f.layer()).isEqualTo("hidden1");
            assertThat(f.evidence()).containsEntry("hidden1_grad_norm", 1e-6).containsEntry("hidden4_grad_norm", 0.1)
                    .containsEntry("affected_layers", List.of("hidden1", "hidden2"));
            assertThat(f.message()).contains("the early layers hidden1, hidden2 get less than 1% of it");
            assertThat(f.remedies()).isEqualTo(GradientFlow.VANISHING_REMEDIES);
        });
    }

    @Test
    void anExplodingGradientAndAHealthyOne() {
        assertThat(epochEnd(view(50, 1, 0.1, 1)).findings).extracting(Finding::code).containsExactly("exploding-gradient");
        Sink healthy = epochEnd(view(0.1, 0.2, 0.3, 1));
        assertThat(healthy.findings).isEmpty();
        assertThat((double) healthy.metrics.get("grad_ratio_first_last")).isEqualTo(0.1 / 0.3);
    }

    @Test
    void nothingWithoutTwoHiddenLayersOrWithoutTheEnginesFigure() {
        assertThat(epochEnd(view(1e-9, 1)).metrics).isEmpty();
        assertThat(epochEnd(view(Double.NaN, Double.NaN, Double.NaN, 1)).metrics).as("no step this epoch").isEmpty();
    }
}
