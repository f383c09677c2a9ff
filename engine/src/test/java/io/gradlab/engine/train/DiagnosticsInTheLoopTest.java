package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabException;
import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.registry.PluginSource;
import io.gradlab.engine.registry.RegisteredComponent;
import io.gradlab.engine.run.Json;
import io.gradlab.engine.run.RunFolder;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's side of diagnostics: default set, figures of activation layers, step limit, stopping. */
class DiagnosticsInTheLoopTest {
    private static final PluginSource TEST = new PluginSource("test", null, "test.Diagnostics");

    /** What the fake diagnostics saw, shared with the test. */
    private final List<Double> losses = new ArrayList<>();
    private final List<Long> steps = new ArrayList<>();
    private final List<Double> normErrors = new ArrayList<>();

    private ComponentRegistry registry() {
        List<RegisteredComponent> components = new ArrayList<>(new PluginHost(new PluginHostConfig(null, true)).load().components());
        components.add(new RegisteredComponent(ComponentFactory.of(ComponentKind.DIAGNOSTIC, "nan-sentinel",
                "fake default: records losses", List.of(),
                p -> new Diagnostic() {
                    @Override
                    public void afterBackward(ModelView model) {
                        losses.add(model.loss());
                        steps.add(model.step());
                    }
                }), TEST));
        components.add(new RegisteredComponent(ComponentFactory.of(ComponentKind.DIAGNOSTIC, "figures", "fake: writes layer figures", List.of(),
                p -> new Diagnostic() {
                    @Override
                    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
                        sink.layerMetric("act1", "probe", 1);
                        sink.layerMetric("act2", "probe", 2);
                        sink.layerMetric("hidden2", "own", 3);
                        sink.layerMetric("elsewhere", "probe", 4);
                    }
                }), TEST));
        components.add(new RegisteredComponent(ComponentFactory.of(ComponentKind.DIAGNOSTIC, "stopper", "fake: stops at step 7", List.of(),
                p -> new Diagnostic() {
                    @Override
                    public void afterBackward(ModelView model) {
                        if (model.step() == 7) {
                            throw new StopTraining(new Finding(Severity.CRITICAL, "stop", "stopped by the test at step 7", "hidden1",
                                    Map.of("step", 7), List.of()));
                        }
                    }
                }), TEST));
        components.add(new RegisteredComponent(ComponentFactory.of(ComponentKind.DIAGNOSTIC, "norms",
                "fake: compares the engine's gradient norms", List.of(),
                p -> new Diagnostic() {
                    @Override
                    public void afterBackward(ModelView model) {
                        ModelView plain = new ModelView() { // the API's default computation
                            @Override
                            public List<io.gradlab.api.diag.LayerView> layers() {
                                return model.layers();
                            }

                            @Override
                            public List<io.gradlab.api.diag.LayerView> weightedLayers() {
                                return model.weightedLayers();
                            }

                            @Override
                            public int epoch() {
                                return model.epoch();
                            }

                            @Override
                            public long step() {
                                return model.step();
                            }

                            @Override
                            public double loss() {
                                return model.loss();
                            }

                            @Override
                            public io.gradlab.api.tensor.Ops ops() {
                                return model.ops();
                            }
                        };
                        double[] engine = model.weightGradNorms();
                        double[] computed = plain.weightGradNorms();
                        for (int i = 0; i < engine.length; i++) {
                            normErrors.add(Math.abs(engine[i] - computed[i]) / Math.max(computed[i], 1e-12));
                        }
                    }
                }), TEST));
        return ComponentRegistry.of(components);
    }

    private static ExperimentSpec spec(String diagnostics, int epochs, int batch, String... overrides) {
        String yaml = """
                name: loop
                data:
                  source: {id: fashion-mnist, subset: embedded}
                model:
                  architecture: {id: mlp, hidden: [16, 16], activation: sigmoid}
                training:
                  epochs: %d
                  batch-size: %d
                  optimizer: {id: sgd, lr: 0.1}
                  seed: 3
                diagnostics: %s
                """.formatted(epochs, batch, diagnostics);
        return SpecLoader.parse(yaml, "loop.yaml", Path.of("."), List.of(overrides));
    }

    @Test
    void registeredDefaultDiagnosticsRunWithoutBeingListed() {
        RunResult r = ExperimentRunner.withDefaultKernels(registry()).run(spec("[]", 1, 1000), RunOptions.probe(Optional.empty(), 0),
                TrainingListener.NONE);
        assertThat(r.status()).isEqualTo("completed");
        assertThat(steps).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void theWeightGradientNormsDiagnosticsReadAreTheEngines() {
        ExperimentRunner.withDefaultKernels(registry()).run(spec("[norms]", 1, 1000), RunOptions.probe(Optional.empty(), 3),
                TrainingListener.NONE);
        assertThat(normErrors).hasSize(3 * 3).allSatisfy(e -> assertThat(e).isLessThan(1e-5));
    }

    @Test
    void aStepLimitEndsTheRunInsideAnEpochAndRecordsThatEpoch() {
        RunResult r = ExperimentRunner.withDefaultKernels(registry()).run(spec("[]", 50, 100), RunOptions.probe(Optional.empty(), 7),
                TrainingListener.NONE);
        assertThat(r.status()).isEqualTo("step-limit");
        assertThat(r.runDir()).isNull();
        assertThat(r.history()).hasSize(1);
        assertThat(steps).hasSize(7);
        assertThat(r.last().trainLoss()).isFinite();
        assertThat(r.last().layers()).hasSize(3);
    }

    @Test
    void figuresOfActivationLayersGoUnderTheWeightedLayerBeforeThem(@TempDir Path out) throws Exception {
        RunResult r = ExperimentRunner.withDefaultKernels(registry()).run(spec("[figures]", 1, 1000), RunOptions.writingTo(out),
                TrainingListener.NONE);
        JsonNode m = Json.mapper().readTree(Files.readAllLines(r.runDir().resolve(RunFolder.METRICS)).get(0));
        JsonNode layers = m.get("layers");
        assertThat(layers.get(0).get("name").asText()).isEqualTo("hidden1");
        assertThat(layers.get(0).get("probe").asInt()).isEqualTo(1);
        assertThat(layers.get(1).get("probe").asInt()).isEqualTo(2);
        assertThat(layers.get(1).get("own").asInt()).isEqualTo(3);
        assertThat(layers.get(2).has("probe")).isFalse();
        assertThat(m.get("other_layers").get(0).get("name").asText()).isEqualTo("elsewhere");
    }

    @Test
    void aDiagnosticStopsTheRunAndTheFolderKeepsWhatWasWritten(@TempDir Path out) throws Exception {
        ExperimentRunner runner = ExperimentRunner.withDefaultKernels(registry());
        assertThatThrownBy(() -> runner.run(spec("[stopper]", 3, 1000), RunOptions.writingTo(out), TrainingListener.NONE))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("stopped by the test at step 7")
                .hasRootCauseInstanceOf(Diagnostic.StopTraining.class);
        Path run = Files.list(out).findFirst().orElseThrow();
        assertThat(Files.readAllLines(run.resolve(RunFolder.METRICS))).hasSize(1);
        JsonNode summary = Json.mapper().readTree(run.resolve(RunFolder.SUMMARY).toFile());
        assertThat(summary.get("status").asText()).isEqualTo("stopped");
        assertThat(summary.get("error").asText()).contains("step 7");
    }

    @Test
    void diagnosticsSeeANonFiniteLossBeforeTheRunDiverges() {
        ExperimentRunner runner = ExperimentRunner.withDefaultKernels(registry());
        ExperimentSpec s = spec("[]", 2, 100, "model.architecture.activation=identity", "model.architecture.init={id: normal, std: 3.0}",
                "training.optimizer.lr=1000");
        assertThatThrownBy(() -> runner.run(s, RunOptions.probe(Optional.empty(), 0), TrainingListener.NONE))
                .isInstanceOf(DivergenceException.class);
        assertThat(losses).isNotEmpty();
        assertThat(losses.get(losses.size() - 1)).isNaN();
    }
}
