package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.tensor.Ops;
import io.gradlab.cli.report.SweepReport;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.sweep.SweepExecutor;
import io.gradlab.engine.sweep.SweepExecutors;
import io.gradlab.engine.sweep.SweepJob;
import io.gradlab.engine.sweep.SweepLoader;
import io.gradlab.engine.sweep.SweepPlan;
import io.gradlab.engine.sweep.SweepRunner;
import io.gradlab.engine.sweep.SweepSpec;
import io.gradlab.engine.sweep.TrialFolders;
import io.gradlab.engine.sweep.TrialResult;
import io.gradlab.engine.sweep.Workers;
import io.gradlab.engine.train.ExperimentRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gradlab sweep SWEEP}: a grid of runs, in parallel locally or on Spark, gathered into one table and report. */
@Command(name = "sweep",
        description = {"Run a grid of experiments: a sweep file names a base spec and the axes to vary.",
                "Each trial gets its own run folder under <out>/trials/<id>/; the results are",
                "gathered into results.csv, results.md and report.html in the sweep folder <out>.",
                "Every trial is validated before any runs; running the same sweep into the same",
                "folder again runs only the trials that have not completed. See docs/sweeps.md."})
final class SweepCommand implements Callable<Integer> {
    private final Host host;

    @Parameters(index = "0", paramLabel = "SWEEP", description = "The sweep file (.yaml, .yml or .json).")
    Path sweepFile;

    @Option(names = "--out", paramLabel = "DIR",
            description = "The sweep folder (default: sweeps/<sweep name>); with --engine spark also a Hadoop filesystem URI"
                    + " (hdfs://..., file:///shared/...).")
    String out;

    @Option(names = "--workers", paramLabel = "N",
            description = "Trials at once (default: cores / BLAS threads, where the BLAS threads come from OPENBLAS_NUM_THREADS;"
                    + " a larger N is cut down to that).")
    Integer workers;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "local",
            description = "local (threads of this JVM, the default) or spark (one Spark task per trial; needs the sweep-spark module).")
    String engine;

    @Option(names = "--master", paramLabel = "URL",
            description = "The Spark master for --engine spark: local[N] (embedded, the default with N = --workers) or spark://HOST:7077.")
    String master;

    @Option(names = "--data", paramLabel = "DIR",
            description = "The data folder (e.g. the FashionMNIST IDX files) for every trial; it must exist where the trials run.")
    Path data;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a spec value in every trial, after the sweep's fixed values and before its axes (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--epochs", paramLabel = "N", description = "Train every trial N epochs (the same as --set training.epochs=N).")
    Integer epochs;

    @Option(names = {"-q", "--quiet"}, description = "Print only the sweep folder.")
    boolean quiet;

    SweepCommand(Host host) {
        this.host = requireNonNull(host, "host is null");
    }

    @Override
    public Integer call() {
        Console console = host.console();
        SweepSpec sweep = SweepLoader.load(sweepFile);
        List<String> fixed = new ArrayList<>(overrides);
        if (epochs != null) {
            fixed.add("training.epochs=" + epochs);
        }
        if (master != null && !engine.equals("spark")) {
            throw new GradlabException(Category.USAGE, "--master is an option of the Spark engine: add --engine spark");
        }
        SweepPlan plan = SweepPlan.expand(sweep, fixed);
        ExperimentRunner runner = host.get(ExperimentRunner.class);
        Map<String, ExperimentSpec> resolved = plan.validate(runner);
        SweepExecutor executor = SweepExecutors.find(engine, SweepCommand.class.getClassLoader()).create();
        Workers pool = Workers.forThisMachine(workers, host.get(Ops.class).backend());
        String location = out != null ? out : Path.of("sweeps", sweep.name()).toString();
        Optional<Path> local = SweepJob.Locations.localPath(location);
        Path sweepDir = local.orElseGet(SweepCommand::stagingDir);
        String trials = local.isPresent() && !SweepJob.Locations.isUri(location)
                ? local.get().resolve(TrialFolders.TRIALS).toString()
                : location.replaceAll("/+$", "") + "/" + TrialFolders.TRIALS;
        Map<String, String> settings = new HashMap<>();
        if (master != null) {
            settings.put("master", master);
        }
        SweepJob job = new SweepJob(sweep.name(), trials, Optional.ofNullable(data), host.options().hostConfig(), pool.workers(),
                settings, runner);
        if (!quiet) {
            console.out().println("sweep " + sweep.name() + ": " + plan.trials().size() + " trial(s), engine " + engine
                    + (engine.equals("local") ? ", " + pool.workers() + " at once (" + pool.cores() + " core(s), " + pool.blasThreads()
                    + " BLAS thread(s) each)" : master == null ? ", master local[" + pool.workers() + "]" : ", master " + master)
                    + ", folder " + location);
            if (!pool.note().isEmpty()) {
                console.warn(pool.note());
            }
            console.out().flush();
        }
        SweepRunner.Outcome outcome;
        try (SweepProgress progress = new SweepProgress(console, quiet)) {
            outcome = SweepRunner.run(plan, resolved, executor, job, sweepDir, progress);
        }
        SweepReport.write(outcome, sweepDir.resolve(SweepReport.FILE));
        boolean published = local.isEmpty() && executor.publish(sweepDir, location);
        if (quiet) {
            console.out().println(location);
        } else {
            report(console, outcome, location, sweepDir, local.isEmpty(), published);
        }
        return 0;
    }

    private static void report(Console console, SweepRunner.Outcome outcome, String location, Path sweepDir, boolean remote,
                               boolean published) {
        var o = console.out();
        String md = outcome.table().markdown("x");
        int grouped = md.indexOf("## Mean over seeds");
        o.println();
        o.println("mean over seeds:");
        md.substring(grouped).lines().skip(2).forEach(line -> o.println("  " + line));
        o.println(outcome.completed() + " of " + outcome.results().size() + " trial(s) completed"
                + (outcome.reused() > 0 ? " (" + outcome.reused() + " kept from an earlier run)" : ""));
        for (TrialResult r : outcome.notCompleted()) {
            o.println("  " + r.trialId() + ": " + r.status() + (r.error() == null ? "" : ": " + r.error()));
        }
        if (remote) {
            o.println("tables and report written to " + sweepDir + (published ? " and copied to " + location : ""));
        }
        o.println("results: " + sweepDir.resolve(SweepRunner.RESULTS_CSV) + ", " + sweepDir.resolve(SweepRunner.RESULTS_MD));
        o.println("report: " + sweepDir.resolve(SweepReport.FILE));
        o.println("sweep folder: " + location);
        o.flush();
    }

    private static Path stagingDir() {
        try {
            return Files.createTempDirectory("gradlab-sweep-");
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot create a local folder for the sweep's tables: " + e.getMessage(), e);
        }
    }
}
