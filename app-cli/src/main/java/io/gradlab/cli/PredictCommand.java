package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.run.OutputFiles;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.ModelSpec;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.Predictions;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.weights.SafeTensors;
import io.gradlab.engine.weights.WeightFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gradlab predict}: the logits of a model for other tools to compare with (see interop/pytorch_roundtrip.py). */
@Command(name = "predict",
        description = {"Write the logits of a model to a safetensors file (tensors inputs, logits and, for test samples, labels).",
                "The model is a run's (its last checkpoint) or a spec's (its initial weights, model.weights or --weights)."})
final class PredictCommand implements Callable<Integer> {
    private final Host host;

    @Parameters(index = "0", paramLabel = "RUN_DIR|SPEC", description = "A run folder, or an experiment spec file.")
    Path source;

    @Option(names = "--weights", paramLabel = "FILE", description = "A safetensors file of weights to load into the model.")
    Path weights;

    @Option(names = "--inputs", paramLabel = "FILE",
            description = "A safetensors file with a tensor 'inputs' [samples, features]; default: the first --samples test samples.")
    Path inputs;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "16", description = "How many test samples (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The safetensors file to write.")
    Path out;

    @Option(names = "--data", paramLabel = "DIR", description = "The data folder; overrides the spec's data path.")
    Path data;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a value of a SPEC (repeatable).")
    List<String> overrides = new ArrayList<>();

    PredictCommand(Host host) {
        this.host = requireNonNull(host, "host is null");
    }

    @Override
    public Integer call() {
        out = OutputFiles.checkOutput(out, "--out");
        ExperimentRunner runner = host.get(ExperimentRunner.class);
        ExperimentRunner.Prepared prepared;
        if (Files.isDirectory(source)) {
            if (!overrides.isEmpty()) {
                throw new GradlabException(Category.USAGE, "--set changes a spec, not a run folder: give the spec file instead of " + source);
            }
            prepared = runner.restore(source, Optional.ofNullable(data)).prepared();
            if (weights != null) {
                WeightFiles.load(prepared.parts().model(), weights, "--weights");
            }
        } else {
            ExperimentSpec spec = SpecLoader.load(source, overrides);
            if (weights != null) {
                spec = new ExperimentSpec(spec.name(), spec.description(), spec.data(),
                        new ModelSpec(spec.model().architecture(), spec.model().loss(), weights.toAbsolutePath().toString()),
                        spec.training(), spec.diagnostics(), spec.baseDir());
            }
            prepared = runner.prepare(runner.resolve(spec), new RunOptions(Path.of("."), Optional.ofNullable(data), false));
        }
        DType dtype = prepared.parts().dtype();
        Map<String, Tensor> result = new LinkedHashMap<>();
        Tensor x;
        if (inputs != null) {
            SafeTensors.Contents contents = SafeTensors.read(inputs);
            if (!contents.has("inputs")) {
                throw new GradlabException(Category.USAGE, inputs + " has no tensor 'inputs' (it has " + contents.entries().keySet()
                        + "): save the input matrix [samples, features] under the name inputs");
            }
            x = contents.tensor("inputs");
            result.put("inputs", x);
        } else {
            Tensor[] batch = Predictions.samples(prepared.parts().test(), samples, dtype);
            x = batch[0];
            result.put("inputs", x);
            result.put("labels", batch[1]);
        }
        Tensor logits = Predictions.logits(prepared.parts().model(), dtype, x);
        result.put("logits", logits);
        SafeTensors.write(out, Map.of("format", "pt"), result);
        host.console().out().println("wrote " + out + ": logits " + java.util.Arrays.toString(logits.shape()) + " (" + dtype + ")");
        host.console().out().flush();
        return 0;
    }
}
