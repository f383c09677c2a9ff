package io.gradlab.cli.study;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.cli.Console;
import io.gradlab.cli.Host;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.run.MetricsLog;
import io.gradlab.engine.run.RunFolders;
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
import picocli.CommandLine.Parameters;

/**
 * {@code gradlab study m05}: runs every spec of a study (the baseline and one per remedy, one after
 * the other) and writes a comparison into a study folder {@code <out>/<study>-<timestamp>/}: the
 * table printed, and as {@code study.md}, {@code study.csv} and {@code runs.csv}, with the run folders
 * below it. Every spec is loaded and validated before anything trains; a run that diverges or fails
 * is reported in the table and the study goes on.
 */
@Command(name = "study",
        header = "Run a study: the baseline and each remedy, then a comparison table.",
        description = {"Run a study: the baseline and each remedy's spec, one after the other, then",
                "a comparison table (mean test accuracy of the last 5 epochs, final test accuracy,",
                "epochs to 50 %%, first/last hidden-layer",
                "gradient-norm ratio), printed and written as study.md, study.csv and runs.csv",
                "into <out>/<study>-<timestamp>/ next to the run folders. Known studies: m05;",
                "the recurrent study is the subcommand 'gradlab study rnn', the plain against residual",
                "networks of the degradation problem 'gradlab study resnet' (see their --help)."})
public final class StudyCommand implements Callable<Integer> {
    private final Host host;
    private final Clock clock;

    @Parameters(index = "0", arity = "0..1", paramLabel = "STUDY", description = "The study to run (m05).")
    String studyName;

    @Option(names = "--data", paramLabel = "DIR", description = "The data folder (the FashionMNIST IDX files); overrides the specs' data path.")
    Path data;

    @Option(names = "--epochs", paramLabel = "N", description = "Train every run N epochs instead of the specs' number.")
    Integer epochs;

    @Option(names = "--seeds", paramLabel = "K", defaultValue = "1",
            description = "Run each spec with K seeds (the spec's seed, then seed + 1, ...) and report mean and spread (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "studies",
            description = "The folder the study folder is created in (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--subset", paramLabel = "NAME",
            description = "embedded: use the FashionMNIST subset shipped with gradlab (no validation split); full: the full data.")
    String subset;

    @Option(names = "--specs", paramLabel = "DIR",
            description = "The folder of the study's spec files (default: $GRADLAB_HOME/examples/<study>, else ./examples/<study>).")
    Path specsDir;

    @Option(names = "--only", paramLabel = "REMEDY", split = ",",
            description = "Run only these remedies (comma-separated spec names, e.g. baseline,adam,batchnorm).")
    List<String> only = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a value in every spec, e.g. --set training.batch-size=128 (repeatable, applied in order).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--resume", paramLabel = "STUDY_DIR",
            description = "Continue a study folder: finished runs are kept, a killed run resumes from its last checkpoint, the rest run.")
    private Path resumeDir;

    @Option(names = {"-q", "--quiet"}, description = "Print only the table and the study folder.")
    boolean quiet;

    public StudyCommand(Host host) {
        this(host, Clock.systemUTC());
    }

    StudyCommand(Host host, Clock clock) {
        this.host = requireNonNull(host, "host is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    static final String REPORT = "report.html";

    /** One planned run: a remedy, a seed, and its loaded spec. */
    private record Planned(Study.Remedy remedy, long seed, ExperimentSpec spec) {}

    @Override
    public Integer call() {
        if (studyName == null) {
            throw usage("name the study to run: gradlab study m05, or gradlab study rnn");
        }
        Study study = Study.named(studyName);
        if (seeds < 1) {
            throw usage("--seeds must be at least 1, got " + seeds);
        }
        if (epochs != null && epochs < 1) {
            throw usage("--epochs must be at least 1, got " + epochs);
        }
        if (subset != null && !subset.equals("embedded") && !subset.equals("full")) {
            throw usage("--subset must be embedded or full, got '" + subset + "'");
        }
        List<Study.Remedy> remedies = study.select(only);
        Path dir = StudyFolders.specs(specsDir, study.name());
        ExperimentRunner runner = host.get(ExperimentRunner.class);
        List<Planned> plan = plan(study, remedies, dir, runner);
        Console console = host.console();
        PrintStream o = console.out();
        Path studyDir = resumeDir != null ? existingStudyFolder(resumeDir) : StudyFolders.create(out, study.name(), clock);
        if (!quiet) {
            o.println(study.title());
            o.println(plan.size() + " run(s) from " + dir + " into " + studyDir);
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            Planned p = plan.get(i);
            if (!quiet) {
                o.println("[" + (i + 1) + "/" + plan.size() + "] " + p.remedy().key() + " (" + p.remedy().label() + ", seed " + p.seed() + ")");
            }
            outcomes.add(runOne(runner, p, studyDir, o));
        }
        List<RemedySummary> rows = new ArrayList<>();
        for (Study.Remedy r : remedies) {
            rows.add(RemedySummary.of(r, outcomes.stream().filter(x -> x.remedy().equals(r)).toList()));
        }
        StudyReport report = new StudyReport(study, rows, outcomes, seeds);
        report.write(studyDir, commandLine());
        o.println();
        report.print(o);
        o.println();
        List<Path> runDirs = outcomes.stream().map(Outcome::runDir).filter(java.util.Objects::nonNull).toList();
        if (!runDirs.isEmpty()) {
            try {
                io.gradlab.cli.report.HtmlReport.write(runDirs, studyDir.resolve(REPORT));
            } catch (GradlabException e) {
                // the tables are written: a chart that cannot be drawn does not fail the study
                console.warn("the study's HTML report is incomplete: " + e.getMessage() + "; the tables are in " + studyDir);
            }
        }
        o.println("study folder: " + studyDir + " (" + REPORT + ", " + StudyReport.MARKDOWN + ", " + StudyReport.CSV + ", " + StudyReport.RUNS_CSV + ")");
        o.flush();
        return 0;
    }

    /** Loads every spec (and checks it against the installed components) before anything trains. */
    private List<Planned> plan(Study study, List<Study.Remedy> remedies, Path dir, ExperimentRunner runner) {
        List<String> common = new ArrayList<>();
        if ("embedded".equals(subset)) {
            common.add("data.source.subset=embedded");
            common.add("data.validation=0");
        } else if ("full".equals(subset)) {
            common.add("data.source.subset=full");
        }
        if (epochs != null) {
            common.add("training.epochs=" + epochs);
        }
        common.addAll(overrides);
        List<Planned> plan = new ArrayList<>();
        for (Study.Remedy r : remedies) {
            Path file = dir.resolve(r.file());
            if (!Files.isRegularFile(file)) {
                throw new GradlabException(GradlabException.Category.USAGE, "study '" + study.name() + "': the spec " + file
                        + " of remedy '" + r.key() + "' does not exist; give the folder of the study's specs with --specs DIR");
            }
            ExperimentSpec first = SpecLoader.load(file, common);
            runner.resolve(first);
            for (int s = 0; s < seeds; s++) {
                if (s == 0) {
                    plan.add(new Planned(r, first.training().seed(), first));
                    continue;
                }
                long seed = first.training().seed() + s;
                List<String> withSeed = new ArrayList<>(common);
                withSeed.add("training.seed=" + seed);
                withSeed.add("name=" + first.name() + "-seed" + seed);
                plan.add(new Planned(r, seed, SpecLoader.load(file, withSeed)));
            }
        }
        return plan;
    }

    private Outcome runOne(ExperimentRunner runner, Planned p, Path studyDir, PrintStream o) {
        int planned = p.spec().training().epochs();
        StudyRunListener listener = new StudyRunListener(m -> {
            if (!quiet) {
                o.println(String.format(Locale.ROOT, "    epoch %d/%d%s  train loss %.4f  test acc %.4f  %.1f s", m.epoch(), planned,
                        m.stage() == null ? "" : " [" + m.stage() + "]", m.trainLoss(), m.testAccuracy(), m.seconds()));
                o.flush();
            }
        });
        Optional<Path> previous = resumeDir == null ? Optional.empty() : RunFolders.latest(studyDir, p.spec().name());
        if (previous.isPresent() && RunFolders.isComplete(previous.get())) {
            if (!quiet) {
                o.println("    finished before: " + previous.get().getFileName());
            }
            return Outcome.of(p.remedy(), p.seed(), "completed", MetricsLog.read(previous.get()), previous.get(), null);
        }
        Outcome outcome;
        try {
            RunResult result = previous.isPresent() && RunFolders.isResumable(previous.get())
                    ? runner.resume(previous.get(), Optional.ofNullable(data), listener)
                    : runner.run(p.spec(), new RunOptions(studyDir, Optional.ofNullable(data), true), listener);
            outcome = Outcome.of(p.remedy(), p.seed(), result.status(), result.history(), result.runDir(), null);
        } catch (GradlabException e) {
            outcome = Outcome.of(p.remedy(), p.seed(), StudyRunListener.failureStatus(e), listener.history(), listener.runDir(),
                    e.getMessage());
        }
        if (!quiet) {
            o.println(String.format(Locale.ROOT, "    -> %s, final test accuracy %s, last %d epochs %s%s", outcome.status(),
                    Double.isNaN(outcome.finalAccuracy()) ? "-" : String.format(Locale.ROOT, "%.4f", outcome.finalAccuracy()),
                    Outcome.LAST_EPOCHS, Double.isNaN(outcome.lastAccuracy()) ? "-" : String.format(Locale.ROOT, "%.4f", outcome.lastAccuracy()),
                    outcome.error() == null ? "" : ": " + outcome.error()));
        } else if (outcome.error() != null) {
            host.console().warn(p.remedy().key() + " (seed " + p.seed() + ") " + outcome.status() + ": " + outcome.error());
        }
        return outcome;
    }

    private Path existingStudyFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw usage("--resume " + dir + " is not a study folder");
        }
        return dir;
    }

    /** The command as given, for study.md. */
    private String commandLine() {
        StringBuilder sb = new StringBuilder("gradlab study ").append(studyName);
        if (data != null) {
            sb.append(" --data ").append(data);
        }
        if (epochs != null) {
            sb.append(" --epochs ").append(epochs);
        }
        if (seeds != 1) {
            sb.append(" --seeds ").append(seeds);
        }
        if (subset != null) {
            sb.append(" --subset ").append(subset);
        }
        if (!only.isEmpty()) {
            sb.append(" --only ").append(String.join(",", only));
        }
        for (String s : overrides) {
            sb.append(" --set ").append(s);
        }
        return sb.toString();
    }

    private static GradlabException usage(String message) {
        return new GradlabException(GradlabException.Category.USAGE, message);
    }
}
