package io.gradlab.cli.study;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.cli.Host;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.RunResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gradlab study rnn}: trains the specs of {@code examples/rnn/} one after the other (linear and
 * tanh RNNs with W_hh of spectral radius 0.5, 1.0 and 1.5, with and without clip-norm, and a tanh RNN,
 * an LSTM and a GRU on the adding problem with the same budget) and writes the comparison into
 * {@code <out>/rnn-<timestamp>/}: {@code study.md}, {@code study.csv} and {@code curves.csv} (the
 * gradient-through-time curves), with the run folders below it. Every spec is loaded and validated before
 * anything trains; a run that diverges or is stopped is a row of the table, and the study goes on.
 */
@Command(name = "rnn",
        header = "Vanishing, stable and exploding gradients through time on the adding problem.",
        description = {"The recurrent study on the adding problem (T = 50): vanishing, stable and exploding",
                "gradients through time in linear and tanh RNNs (W_hh of spectral radius 0.5, 1.0, 1.5),",
                "the same with clip-norm, and a tanh RNN, an LSTM and a GRU with the same budget.",
                "Writes study.md, study.csv and curves.csv into <out>/rnn-<timestamp>/, the runs below it."})
public final class RnnStudyCommand implements Callable<Integer> {
    private final Host host;
    private final Clock clock;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "studies",
            description = "The folder the study folder is created in (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--epochs", paramLabel = "N", description = "Train every run N epochs instead of the specs' number.")
    Integer epochs;

    @Option(names = "--specs", paramLabel = "DIR",
            description = "The folder of the study's spec files (default: $GRADLAB_HOME/examples/rnn, else ./examples/rnn).")
    Path specsDir;

    @Option(names = "--only", paramLabel = "RUN", split = ",",
            description = "Run only these (comma-separated spec names, e.g. vanilla-exploding,vanilla-exploding-clip).")
    List<String> only = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a value in every spec, e.g. --set data.source.train-size=2000 (repeatable, applied in order).")
    List<String> overrides = new ArrayList<>();

    @Option(names = {"-q", "--quiet"}, description = "Print only the table and the study folder.")
    boolean quiet;

    public RnnStudyCommand(Host host) {
        this(host, Clock.systemUTC());
    }

    RnnStudyCommand(Host host, Clock clock) {
        this.host = requireNonNull(host, "host is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    private record Planned(RnnStudyRuns.Run run, ExperimentSpec spec, RnnOutcome.Setup setup) {}

    @Override
    public Integer call() {
        if (epochs != null && epochs < 1) {
            throw new GradlabException(GradlabException.Category.USAGE, "--epochs must be at least 1, got " + epochs);
        }
        List<RnnStudyRuns.Run> runs = RnnStudyRuns.select(only);
        Path dir = StudyFolders.specs(specsDir, RnnStudyRuns.NAME);
        ExperimentRunner runner = host.get(ExperimentRunner.class);
        List<Planned> plan = plan(runs, dir, runner);
        PrintStream o = host.console().out();
        Path studyDir = StudyFolders.create(out, RnnStudyRuns.NAME, clock);
        if (!quiet) {
            o.println(RnnStudyRuns.TITLE);
            o.println(plan.size() + " run(s) from " + dir + " into " + studyDir);
        }
        List<RnnOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            Planned p = plan.get(i);
            if (!quiet) {
                o.println("[" + (i + 1) + "/" + plan.size() + "] " + p.run().key() + " (" + p.run().label() + ")");
            }
            outcomes.add(runOne(runner, p, studyDir, o));
        }
        RnnStudyReport report = new RnnStudyReport(outcomes);
        report.write(studyDir, commandLine());
        o.println();
        report.print(o);
        o.println();
        o.println("study folder: " + studyDir + " (" + RnnStudyReport.MARKDOWN + ", " + RnnStudyReport.CSV + ", "
                + RnnStudyReport.CURVES_CSV + ")");
        o.flush();
        return 0;
    }

    private List<Planned> plan(List<RnnStudyRuns.Run> runs, Path dir, ExperimentRunner runner) {
        List<String> common = new ArrayList<>();
        if (epochs != null) {
            common.add("training.epochs=" + epochs);
        }
        common.addAll(overrides);
        List<Planned> plan = new ArrayList<>();
        for (RnnStudyRuns.Run r : runs) {
            Path file = dir.resolve(r.file());
            if (!Files.isRegularFile(file)) {
                throw new GradlabException(GradlabException.Category.USAGE, "study 'rnn': the spec " + file + " of run '" + r.key()
                        + "' does not exist; give the folder of the study's specs with --specs DIR");
            }
            ExperimentSpec spec = SpecLoader.load(file, common);
            plan.add(new Planned(r, spec, setup(runner.resolve(spec))));
        }
        return plan;
    }

    /** Cell, spectral radius and clipping of a resolved spec (every default filled in). */
    static RnnOutcome.Setup setup(ExperimentSpec resolved) {
        ComponentSpec arch = resolved.model().architecture();
        Object cell = arch.params().get("cell");
        Object rho = arch.params().get("spectral-radius");
        Object activation = arch.params().get("activation");
        String name = cell == null ? arch.id().value() : cell.toString();
        if ("rnn".equals(name) && activation != null) {
            name = "rnn-" + activation;
        }
        boolean clipped = resolved.training().gradientTransforms().stream().anyMatch(t -> t.id().value().startsWith("clip"));
        return new RnnOutcome.Setup(name, rho instanceof Number n ? n.doubleValue() : Double.NaN, clipped);
    }

    private RnnOutcome runOne(ExperimentRunner runner, Planned p, Path studyDir, PrintStream o) {
        int planned = p.spec().training().epochs();
        StudyRunListener listener = new StudyRunListener(m -> {
            if (!quiet) {
                o.println(String.format(Locale.ROOT, "    epoch %d/%d  train loss %.4g  test loss %.4g  %.1f s", m.epoch(), planned,
                        m.trainLoss(), m.testLoss(), m.seconds()));
                o.flush();
            }
        });
        RnnOutcome outcome;
        try {
            RunResult result = runner.run(p.spec(), new RunOptions(studyDir, Optional.empty(), true), listener);
            outcome = RnnOutcome.of(p.run(), p.setup(), result.status(), result.history(), result.runDir(), null);
        } catch (GradlabException e) {
            outcome = RnnOutcome.of(p.run(), p.setup(), StudyRunListener.failureStatus(e), listener.history(), listener.runDir(), e);
        }
        if (!quiet) {
            o.println("    -> " + outcome.status() + (outcome.error() == null ? "" : ": " + outcome.error()));
        } else if (outcome.error() != null) {
            host.console().warn(p.run().key() + " " + outcome.status() + ": " + outcome.error());
        }
        return outcome;
    }

    private String commandLine() {
        StringBuilder sb = new StringBuilder("gradlab study rnn");
        if (epochs != null) {
            sb.append(" --epochs ").append(epochs);
        }
        if (!only.isEmpty()) {
            sb.append(" --only ").append(String.join(",", only));
        }
        for (String s : overrides) {
            sb.append(" --set ").append(s);
        }
        return sb.toString();
    }
}
