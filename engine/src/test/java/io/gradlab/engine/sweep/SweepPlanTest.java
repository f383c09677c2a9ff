package io.gradlab.engine.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.GradlabException;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.train.ExperimentRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepPlanTest {
    static final String BASE = """
            name: base
            data:
              source: {id: fashion-mnist, subset: embedded}
              validation: 4000
            model:
              architecture: {id: mlp, depth: 2, width: 16, activation: sigmoid}
            training:
              epochs: 1
              batch-size: 256
              optimizer: {id: sgd, lr: 0.1}
            """;

    @TempDir
    Path dir;

    private SweepSpec sweep(String yaml) throws Exception {
        Files.writeString(dir.resolve("base.yaml"), BASE);
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, yaml);
        return SweepLoader.load(file);
    }

    @Test
    void axesLinkedAndFixedExpandIntoTheProductWithReadableStableIds() throws Exception {
        SweepSpec s = sweep("""
                base: base.yaml
                fixed: {training.epochs: 2}
                axes:
                  model.architecture.depth: [3, 5]
                linked:
                  - {model.architecture.activation: sigmoid, model.architecture.init: pytorch-default}
                  - {model.architecture.activation: tanh, model.architecture.init: {id: normal, std: 0.05}}
                """);
        SweepPlan plan = SweepPlan.expand(s, List.of("training.seed=9"));
        assertThat(plan.trials()).extracting(Trial::id).containsExactly(
                "depth-3_activation-sigmoid_init-pytorch-default",
                "depth-3_activation-tanh_init-id-normal-std-0.05",
                "depth-5_activation-sigmoid_init-pytorch-default",
                "depth-5_activation-tanh_init-id-normal-std-0.05");
        Trial t = plan.trials().get(1);
        assertThat(t.overrides()).containsExactly("training.epochs=2", "training.seed=9", "model.architecture.depth=3",
                "model.architecture.activation=tanh", "model.architecture.init={id: normal, std: 0.05}",
                "name=depth-3_activation-tanh_init-id-normal-std-0.05");
        assertThat(t.axisValues()).containsExactly(Map.entry("model.architecture.depth", "3"),
                Map.entry("model.architecture.activation", "tanh"), Map.entry("model.architecture.init", "{id: normal, std: 0.05}"));
        var spec = t.spec();
        assertThat(spec.name()).isEqualTo(t.id());
        assertThat(spec.training().epochs()).isEqualTo(2);
        assertThat(spec.training().seed()).isEqualTo(9);
        // the same sweep expands to the same ids, whatever else changes (fixed values are not part of the id)
        SweepSpec changed = sweep("""
                base: base.yaml
                fixed: {training.epochs: 7}
                axes:
                  model.architecture.depth: [5, 3, 11]
                linked:
                  - {model.architecture.activation: sigmoid, model.architecture.init: pytorch-default}
                """);
        assertThat(SweepPlan.expand(changed, List.of()).trials()).extracting(Trial::id)
                .contains("depth-3_activation-sigmoid_init-pytorch-default", "depth-5_activation-sigmoid_init-pytorch-default");
    }

    @Test
    void clashingOrOverlongIdsGetAHashOfTheirOverrides() throws Exception {
        SweepSpec s = sweep("""
                base: base.yaml
                axes:
                  model.architecture.hidden: [[8, 8], "8-8"]
                  training.seed: [1]
                """);
        List<Trial> trials = SweepPlan.expand(s, List.of()).trials();
        assertThat(trials).extracting(Trial::id).doesNotHaveDuplicates().allMatch(id -> id.matches("hidden-8-8_seed-1_[0-9a-f]{8}"));
        assertThat(SweepPlan.expand(s, List.of()).trials()).extracting(Trial::id).isEqualTo(trials.stream().map(Trial::id).toList());
        // keys whose last segments clash keep two segments
        SweepSpec clash = sweep("""
                base: base.yaml
                axes:
                  training.optimizer.lr: [0.1]
                  model.architecture.init.lr: [1]
                """);
        assertThat(SweepPlan.expand(clash, List.of()).trials().get(0).id()).isEqualTo("optimizer.lr-0.1_init.lr-1");
    }

    @Test
    void aSpecsAxisRunsWholeSpecs() throws Exception {
        Files.writeString(dir.resolve("other.yaml"), BASE.replace("name: base", "name: other"));
        SweepSpec s = sweep("""
                specs: [base.yaml, other.yaml]
                axes: {training.seed: [1, 2]}
                """);
        SweepPlan plan = SweepPlan.expand(s, List.of());
        assertThat(plan.trials()).extracting(Trial::id).containsExactly("base_seed-1", "base_seed-2", "other_seed-1", "other_seed-2");
        assertThat(plan.trials().get(2).specText()).contains("name: other");
        assertThat(plan.trials().get(2).axisValues()).containsEntry("spec", "other.yaml");
    }

    @Test
    void validationFailsBeforeAnythingRunsAndNamesTheTrial() throws Exception {
        SweepSpec s = sweep("""
                base: base.yaml
                axes:
                  model.architecture.depth: [2, 3]
                  model.architecture.activation: [sigmoid, sigmoidd]
                """);
        SweepPlan plan = SweepPlan.expand(s, List.of());
        ExperimentRunner runner = ExperimentRunner.withDefaultKernels(new PluginHost(PluginHostConfig.classpathOnly()).load());
        assertThatThrownBy(() -> plan.validate(runner))
                .isInstanceOf(GradlabException.class)
                .hasMessageContaining("trial depth-2_activation-sigmoidd")
                .hasMessageContaining("model.architecture.activation=sigmoidd")
                .hasMessageContaining("unknown activation 'sigmoidd'")
                .hasMessageContaining("nothing was run");
        assertThat(dir.resolve("trials")).doesNotExist();
    }

    @Test
    void badSweepFilesAreRejectedWithTheirPlace() throws Exception {
        assertThatThrownBy(() -> sweep("base: base.yaml\naxis: {training.seed: [1]}\n"))
                .hasMessageContaining("unknown key 'axis'").hasMessageContaining("did you mean 'axes'");
        assertThatThrownBy(() -> sweep("axes: {training.seed: [1]}\n")).hasMessageContaining("give either 'base: SPEC' or 'specs:");
        assertThatThrownBy(() -> sweep("base: base.yaml\naxes: {training.seed: 3}\n"))
                .hasMessageContaining("axes.training.seed must be a list");
        assertThatThrownBy(() -> sweep("""
                base: base.yaml
                linked:
                  - {model.architecture.activation: relu, model.architecture.init: he-normal}
                  - {model.architecture.activation: sigmoid}
                """)).hasMessageContaining("linked[1] sets [model.architecture.activation]")
                .hasMessageContaining("every entry of a linked group sets the same keys");
        assertThatThrownBy(() -> SweepPlan.expand(sweep("base: missing.yaml\naxes: {training.seed: [1]}\n"), List.of()))
                .hasMessageContaining("missing.yaml: spec file not found");
    }

    @Test
    void valuesBecomeOverrideTextThatReadsBackAsTheSameValue() throws Exception {
        SweepSpec s = sweep("""
                base: base.yaml
                axes:
                  description: ["1.5", "a: b", plain words, 'true']
                """);
        List<Trial> trials = SweepPlan.expand(s, List.of()).trials();
        assertThat(trials).extracting(t -> t.spec().description()).containsExactly("1.5", "a: b", "plain words", "true");
    }
}
