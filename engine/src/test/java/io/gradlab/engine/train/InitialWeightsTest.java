package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.GradlabException;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.run.RunFolder;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.weights.ModelTensors;
import io.gradlab.engine.weights.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code model.weights}: a spec starts from the weights of a safetensors file. */
class InitialWeightsTest {
    private static ComponentRegistry registry;

    @BeforeAll
    static void loadRegistry() {
        registry = new PluginHost(new PluginHostConfig(null, true)).load();
    }

    @Test
    void aSpecStartsFromTheWeightsOfAFileRelativeToIt(@TempDir Path dir) throws Exception {
        Path spec = TinyRuns.writeSpec(dir, 1, "");
        ExperimentRunner runner = ExperimentRunner.withDefaultKernels(registry);
        var plain = runner.prepare(runner.resolve(SpecLoader.load(spec, List.of())), RunOptions.writingTo(dir));
        Map<String, Tensor> weights = new LinkedHashMap<>();
        ModelTensors.tensors(plain.parts().model()).forEach((name, t) -> {
            Tensor c = t.copy();
            c.fill(0.125);
            weights.put(name, c);
        });
        SafeTensors.write(dir.resolve("init.safetensors"), Map.of(), weights);

        var resolved = runner.resolve(SpecLoader.load(spec, List.of("model.weights=init.safetensors")));
        var loaded = runner.prepare(resolved, RunOptions.writingTo(dir));
        assertThat(ModelTensors.tensors(loaded.parts().model()).get("layers.2.weight").floats()).containsOnly(0.125f);

        Path run = runner.run(resolved, RunOptions.writingTo(dir.resolve("runs")), TrainingListener.NONE).runDir();
        assertThat(Files.readString(run.resolve(RunFolder.SPEC))).contains("weights: init.safetensors");
    }

    @Test
    void aBadWeightsFileStopsTheRunBeforeItsFolderExists(@TempDir Path dir) throws Exception {
        Path spec = TinyRuns.writeSpec(dir, 1, "");
        SafeTensors.write(dir.resolve("bad.safetensors"), Map.of(), Map.of("layers.0.weight", Tensor.zeros(io.gradlab.api.tensor.DType.F32, 2, 2)));
        ExperimentRunner runner = ExperimentRunner.withDefaultKernels(registry);
        assertThatThrownBy(() -> runner.run(SpecLoader.load(spec, List.of("model.weights=bad.safetensors")),
                RunOptions.writingTo(dir.resolve("runs")), TrainingListener.NONE))
                .isInstanceOf(GradlabException.class)
                .hasMessageStartingWith("model.weights: " + dir.resolve("bad.safetensors") + ": the tensor names do not match the model");
        assertThat(dir.resolve("runs")).doesNotExist();
    }
}
