package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.engine.run.OutputFiles;
import io.gradlab.engine.run.RunExport;
import io.gradlab.engine.tensorboard.TensorBoardExport;
import io.gradlab.engine.weights.WeightFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gradlab export RUN_DIR}: the final weights of a run as safetensors (PyTorch names) or NumPy .npz, or the run as TensorBoard events. */
@Command(name = "export",
        header = "Write a run's final weights (safetensors, npz) or its figures as TensorBoard events.",
        description = {"Write the final weights of a run (its last checkpoint) for other tools: safetensors with the",
                "names a PyTorch nn.Sequential held in 'layers' gives them (layers.0.weight, layers.0.bias, layers.2.weight,",
                "...: every layer, activations included, takes a position), F32 little-endian (batch norm's",
                "num_batches_tracked an int64 scalar, as PyTorch keeps it); or a NumPy .npz of the same.",
                "--format tensorboard writes a TensorBoard event file instead: every epoch's figures of metrics.jsonl as",
                "scalars and the final weights as histograms, into OUT/<run folder name>/ (tensorboard --logdir OUT)."})
final class ExportCommand implements Callable<Integer> {
    private final Host host;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "A run folder written by gradlab run.")
    Path runDir;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "safetensors",
            description = "safetensors, npz or tensorboard (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--out", paramLabel = "FILE", description = "The file to write (default: RUN_DIR/model.safetensors or model.npz);"
            + " for tensorboard the log folder (default: RUN_DIR/tensorboard).")
    Path out;

    ExportCommand(Host host) {
        this.host = requireNonNull(host, "host is null");
    }

    @Override
    public Integer call() {
        if (format.equalsIgnoreCase("tensorboard")) {
            if (out != null && OutputFiles.isRunFile(out)) {
                OutputFiles.checkOutput(out, "--out");
            }
            TensorBoardExport.Exported exported = TensorBoardExport.export(runDir, out != null ? out : runDir.resolve("tensorboard"));
            host.console().out().println("wrote " + exported.file() + ": " + exported.epochs() + " epochs of scalars, "
                    + exported.histograms() + " weight histograms");
            host.console().out().flush();
            return 0;
        }
        WeightFiles.Format f = WeightFiles.Format.parse(format);
        Path target = OutputFiles.checkOutput(out != null ? out : runDir.resolve("model" + f.extension()), "--out");
        RunExport.Exported exported = RunExport.export(runDir, f, target);
        Console console = host.console();
        if (!exported.complete()) {
            console.err().println("gradlab: warning: the run is not complete: these are its weights after epoch " + exported.epoch()
                    + " of " + exported.planned() + " (gradlab run --resume " + runDir + " finishes it)");
        }
        console.out().println("wrote " + exported.file() + ": " + exported.tensors() + " tensors, the weights after epoch "
                + exported.epoch());
        console.out().flush();
        return 0;
    }
}
