package io.gradlab.engine.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
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
        return view(epochMeans, null, null, new double[] {1});
    }

    /**
     * The same with the epoch's mean back-propagated signal and update ratio per weighted layer ({@code null}: not kept)
     * and the loss of each step, which {@link #run} feeds through {@code afterBackward}.
     */
    private static ModelView view(double[] epochMeans, double[] signals, double[] updates, double[] losses) {
        List<LayerView> layers = new ArrayList<>();
        for (int i = 0; i < epochMeans.length; i++) {
            String name = i == epochMeans.length - 1 ? "output" : "hidden" + (i + 1);
            layers.add(new LayerView(name, null, new Parameter("weight", Parameter.Role.WEIGHT, Tensor.zeros(DType.F32, 1, 1)), null));
        }
        long[] calls = {0};
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
                return losses[(int) Math.min(calls[0]++, losses.length - 1)]; // read once per step by afterBackward
            }

            @Override
            public double epochSignalNorm(int index) {
                return signals == null ? Double.NaN : signals[index];
            }

            @Override
            public double epochUpdateRatio(int index) {
                return updates == null ? Double.NaN : updates[index];
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
        return epochEnd(view, 1);
    }

    /** {@code steps} steps (each reads the step's loss), then the epoch's end. */
    private static Sink epochEnd(ModelView view, int steps) {
        Sink sink = new Sink();
        GradientFlow flow = new GradientFlow(0.01, 100);
        for (int i = 0; i < steps; i++) {
            flow.afterBackward(view);
        }
        flow.onEpochEnd(view, sink);
        return sink;
    }

    private static final double[] FLAT = {2.3, 2.3, 2.3, 2.3, 2.3, 2.3};
    private static final double[] FALLING = {2.3, 2.2, 2.0, 1.8, 1.6, 1.5};
    private static final double[] RISING = {2.3, 2.5, 3.0, 4.0, 6.0, 9.0};

    @Test
    void aSignalThatVanishesWhileTheWeightGradientsAreBalancedIsAVanishingGradient() {
        // deep tanh with tiny weights: weight gradients balanced, dL/dz shrinking 10x per layer, early layers not moving
        Sink sink = epochEnd(view(new double[] {1e-3, 1e-3, 1e-3, 1e-3, 1e-2}, new double[] {1e-6, 1e-5, 1e-4, 1e-3, 1e-2},
                new double[] {1e-9, 1e-9, 1e-9, 1e-9, 1e-3}, FLAT), 6);
        assertThat(sink.metrics).containsEntry("signal_ratio_first_last", 1e-6 / 1e-3);
        assertThat(sink.findings).singleElement().satisfies(f -> {
            assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(f.code()).isEqualTo("vanishing-gradient");
            assertThat(f.message()).contains("back-propagated signal").contains("although the weight gradients look balanced")
                    .contains("barely learn").contains("the loss does not improve");
            assertThat(f.evidence()).containsEntry("signal_ratio", 1e-6 / 1e-3).containsEntry("early_layers_move", false)
                    .containsEntry("affected_layers", List.of("hidden1"));
        });
    }

    @Test
    void earlyLayersThatStillMoveAreAWarningNotACriticalFinding() {
        // the deep sigmoid net with Adam: tiny early gradients, but every layer's update ratio is about 1e-2
        double[] grads = {1e-6, 1e-5, 1e-3, 0.05, 0.5};
        double[] adam = {1.5e-2, 1.2e-2, 1e-2, 6e-3, 1e-2};
        for (double[] losses : List.of(FLAT, FALLING)) {
            Sink sink = epochEnd(view(grads, null, adam, losses), 6);
            assertThat(sink.findings).singleElement().satisfies(f -> {
                assertThat(f.severity()).isEqualTo(Severity.WARNING);
                assertThat(f.message()).startsWith("slow early layers, compensated by the optimizer").contains("still moves")
                        .doesNotContain("barely learn");
                assertThat(f.evidence()).containsEntry("early_layers_move", true);
            });
        }
        // the same gradients where the early layers do not move (SGD), or where the loss rises: critical
        double[] sgd = {1e-9, 1e-8, 1e-6, 1e-4, 1e-3};
        assertThat(epochEnd(view(grads, null, sgd, FALLING), 6).findings).singleElement()
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL))
                .satisfies(f -> assertThat(f.message()).contains("barely learn").contains("only through the late layers"));
        assertThat(epochEnd(view(grads, null, adam, RISING), 6).findings).singleElement()
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL))
                .satisfies(f -> assertThat(f.message()).contains("the loss rises"));
        // moving at the pace of the last layer means nothing when nothing moves (all below 1e-5 per step)
        double[] frozen = {1e-9, 1e-9, 1e-9, 1e-9, 1e-9};
        assertThat(epochEnd(view(grads, null, frozen, FALLING), 6).findings).singleElement()
                .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.CRITICAL));
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
