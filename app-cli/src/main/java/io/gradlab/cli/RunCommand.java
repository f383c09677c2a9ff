package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.RunResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gradlab run SPEC}: validate, train, write a run folder, print the diagnosis. */
@Command(name = "run",
        description = {"Train an experiment spec (YAML or JSON) and write a run folder <out>/<name>-<timestamp>/",
                "with spec.resolved.yaml, metrics.jsonl (one line per epoch) and summary.json.",
                "The spec is validated, and its data loaded, before anything is written."})
final class RunCommand implements Callable<Integer> {
    private final Host host;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The experiment spec file (.yaml, .yml or .json).")
    Path specFile;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs",
            description = "The folder run folders are created in (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--data", paramLabel = "DIR",
            description = "The data folder (e.g. the FashionMNIST IDX files); overrides the spec's data path.")
    Path data;

    @Option(names = "--epochs", paramLabel = "N", description = "Train N epochs (the same as --set training.epochs=N).")
    Integer epochs;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a spec value, e.g. --set training.optimizer.lr=0.1 (repeatable, applied in order).")
    List<String> overrides = new ArrayList<>();

    @Option(names = {"-q", "--quiet"}, description = "Print only the run folder (no progress, no tables).")
    boolean quiet;

    RunCommand(Host host) {
        this.host = requireNonNull(host, "host is null");
    }

    @Override
    public Integer call() {
        Console console = host.console();
        ExperimentRunner runner = host.get(ExperimentRunner.class);
        List<String> all = new ArrayList<>(overrides);
        if (epochs != null) {
            all.add("training.epochs=" + epochs);
        }
        ExperimentSpec spec = SpecLoader.load(specFile, all);
        RunProgress progress = new RunProgress(console, quiet);
        RunResult result;
        try {
            result = runner.run(spec, new RunOptions(out, Optional.ofNullable(data), true), progress);
        } catch (GradlabException e) {
            throw withRunFolder(e, progress);
        } finally {
            progress.close();
        }
        if (quiet) {
            console.out().println(result.runDir());
        } else {
            RunReport.print(result, console.out());
        }
        return 0;
    }

    /** A failure during training: says what the run folder kept, unless the message already names it. */
    private static GradlabException withRunFolder(GradlabException e, RunProgress progress) {
        Path dir = progress.runDir();
        if (dir == null || e.getMessage().contains(dir.toString())) {
            return e;
        }
        return new GradlabException(e.category(), e.getMessage() + " (the run folder " + dir + " keeps the "
                + progress.epochsDone() + " completed epoch(s) and a summary.json)", e);
    }
}
