package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.cli.ui.UiServer;
import io.gradlab.engine.run.Checkpoint;
import io.gradlab.engine.run.StoredRun;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.RunResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gradlab run SPEC}: validate, train, write a run folder, print the diagnosis. */
@Command(name = "run",
        header = "Train an experiment spec and write a run folder (metrics, checkpoints, summary).",
        description = {"Train an experiment spec (YAML or JSON) and write a run folder <out>/<name>-<timestamp>/",
                "with spec.resolved.yaml, metrics.jsonl (one line per epoch), checkpoint.safetensors (after each epoch)",
                "and summary.json. The spec is validated, and its data loaded, before anything is written.",
                "--resume RUN_DIR continues an interrupted run from its last checkpoint, to the same result."})
final class RunCommand implements Callable<Integer> {
    private final Host host;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SPEC", description = "The experiment spec file (.yaml, .yml or .json).")
    Path specFile;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue the interrupted run in RUN_DIR from its last checkpoint (instead of a SPEC).")
    Path resume;

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

    @Option(names = "--ui", description = "Also serve the live web page of gradlab ui over the runs folder on 127.0.0.1 while"
            + " training, and after it until Ctrl-C.")
    boolean ui;

    @Option(names = "--ui-port", paramLabel = "N", defaultValue = "" + UiCommand.DEFAULT_PORT,
            description = "The port of --ui (default: ${DEFAULT-VALUE}; 0: any free port).")
    int uiPort;

    RunCommand(Host host) {
        this.host = requireNonNull(host, "host is null");
    }

    @Override
    public Integer call() {
        Console console = host.console();
        if ((specFile == null) == (resume == null)) {
            throw new GradlabException(GradlabException.Category.USAGE, specFile == null
                    ? "gradlab run needs a SPEC file, or --resume RUN_DIR to continue an interrupted run"
                    : "give either a SPEC or --resume RUN_DIR, not both");
        }
        if (resume != null && (!overrides.isEmpty() || epochs != null)) {
            throw new GradlabException(GradlabException.Category.USAGE, "--resume continues a run with its own spec;"
                    + " --set and --epochs cannot change it (start a new run instead)");
        }
        ExperimentRunner runner = host.get(ExperimentRunner.class);
        Watchdog watchdog = host.watchdog();
        if (resume != null) {
            int after = Checkpoint.read(resume).map(Checkpoint::epoch).orElse(0);
            watchdog.armOnStart(StoredRun.read(resume).spec().training().stepTimeout(), "training step");
            return train(progress -> runner.resume(resume, Optional.ofNullable(data), watchdog.beating(progress.resumingAfter(after))),
                    console);
        }
        List<String> all = new ArrayList<>(overrides);
        if (epochs != null) {
            all.add("training.epochs=" + epochs);
        }
        ExperimentSpec spec = SpecLoader.load(specFile, all);
        watchdog.armOnStart(spec.training().stepTimeout(), "training step");
        return train(progress -> runner.run(spec, new RunOptions(out, Optional.ofNullable(data), true), watchdog.beating(progress)),
                console);
    }

    /** Trains with a progress display, then prints the report (only the run folder with --quiet); with --ui, serves the page. */
    private int train(Function<RunProgress, RunResult> training, Console console) {
        if (!ui) {
            return trainAndReport(training, console);
        }
        Path runs = resume != null ? resume.toAbsolutePath().normalize().getParent() : out;
        try {
            Files.createDirectories(runs);
        } catch (IOException e) {
            throw new GradlabException(GradlabException.Category.IO, "cannot create " + runs + ": " + e.getMessage(), e);
        }
        try (UiServer server = UiCommand.start(runs, uiPort)) {
            console.out().println("gradlab ui: " + server.uri());
            console.out().flush();
            int code = trainAndReport(training, console);
            console.out().println("gradlab ui stays up at " + server.uri() + " (Ctrl-C stops it)");
            console.out().flush();
            new CountDownLatch(1).await();
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private int trainAndReport(Function<RunProgress, RunResult> training, Console console) {
        RunProgress progress = new RunProgress(console, quiet);
        RunResult result;
        try {
            result = training.apply(progress);
        } catch (GradlabException e) {
            throw withRunFolder(e, progress);
        } finally {
            host.watchdog().disarm();
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
