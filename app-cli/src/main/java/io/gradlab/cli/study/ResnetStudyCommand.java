package io.gradlab.cli.study;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.cli.Host;
import io.gradlab.cli.report.HtmlReport;
import io.gradlab.engine.run.MetricsLog;
import io.gradlab.engine.run.RunFolders;
import io.gradlab.engine.run.StoredRun;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecWriter;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.RunResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gradlab study resnet}: trains the plain and the residual network of {@code examples/resnet/resnet20.yaml}
 * at each depth (the spec with {@code depth} and {@code residual} overridden), one after the other, and writes
 * into {@code <out>/resnet-<timestamp>/} the training error per epoch and depth (the degradation problem), the
 * weight-gradient norm of every convolution in the first epoch (first/last ratio per network), a verdict line,
 * {@code study.md}, {@code study.csv}, {@code gradients.csv} and {@code report.html}, with the run folders
 * below it. Every spec is loaded and validated before anything trains.
 */
@Command(name = "resnet",
        header = "Plain against residual CNNs by depth: vanishing gradients and the degradation problem.",
        description = {"Plain and residual CNNs (the resnet architecture, residual: false|true) at each depth on",
                "FashionMNIST (the full data when installed or given with --data, else the embedded subset):",
                "training error per epoch (does the deeper plain net train worse?) and each convolution's",
                "gradient norm in the first epoch (first/last ratio). Writes study.md, study.csv,",
                "gradients.csv and report.html into <out>/resnet-<timestamp>/, the runs below it."})
public final class ResnetStudyCommand implements Callable<Integer> {
    static final String NAME = "resnet";
    static final String TITLE = "Plain and residual CNNs by depth on FashionMNIST: gradient norms per convolution and the degradation problem";
    static final String SPEC = "resnet20.yaml";
    static final String REPORT = "report.html";

    private final Host host;
    private final Clock clock;

    @Option(names = "--data", paramLabel = "DIR", description = "The FashionMNIST IDX folder (default: the installed data, else the embedded subset).")
    Path data;

    @Option(names = "--epochs", paramLabel = "N", description = "Train every network N epochs instead of the spec's number.")
    Integer epochs;

    @Option(names = "--depths", paramLabel = "D", split = ",", defaultValue = "8,14,20,32",
            description = "The depths, each of the form 6n + 2 (default: ${DEFAULT-VALUE}).")
    List<Integer> depths = new ArrayList<>();

    @Option(names = "--train-samples", paramLabel = "N", description = "Train on the first N training images only (the budget: a resnet trains a few hundred images a second).")
    Integer trainSamples;

    @Option(names = "--test-samples", paramLabel = "N", description = "Evaluate on the first N test images only.")
    Integer testSamples;

    @Option(names = "--subset", paramLabel = "NAME", description = "embedded: the FashionMNIST subset shipped with gradlab; full: the full data (fails without it).")
    String subset;

    @Option(names = "--probe-steps", paramLabel = "N", defaultValue = "1",
            description = {"The gradient at the start of training: each network is also probed, with and without batch norm,",
                    "for N fresh steps (default: ${DEFAULT-VALUE}) before the training runs."})
    int probeSteps = 1;

    @Option(names = "--resume", paramLabel = "STUDY_DIR",
            description = {"Continue a study folder this command wrote, with the same options: a network that completed there",
                    "is read back, an interrupted one resumes from its last checkpoint, the others train."})
    Path resume;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "studies",
            description = "The folder the study folder is created in (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--specs", paramLabel = "DIR",
            description = "The folder holding " + SPEC + " (default: $GRADLAB_HOME/examples/resnet, else ./examples/resnet).")
    Path specsDir;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a value in every spec, e.g. --set training.optimizer.lr=0.1 (repeatable, applied in order).")
    List<String> overrides = new ArrayList<>();

    @Option(names = {"-q", "--quiet"}, description = "Print only the table, the verdict and the study folder.")
    boolean quiet;

    public ResnetStudyCommand(Host host) {
        this(host, Clock.systemUTC());
    }

    ResnetStudyCommand(Host host, Clock clock) {
        this.host = requireNonNull(host, "host is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    private record Planned(int depth, boolean residual, ExperimentSpec spec) {}

    private record Probe(int depth, boolean residual, boolean batchNorm, ExperimentSpec spec) {}

    /** Test images a probe evaluates at most: its figure is the training gradient, the evaluation only ends its epoch. */
    private static final int PROBE_TEST_SAMPLES = 256;

    @Override
    public Integer call() {
        validate();
        Path file = StudyFolders.specs(specsDir, NAME).resolve(SPEC);
        if (!Files.isRegularFile(file)) {
            throw usage("study 'resnet': the spec " + file + " does not exist; give the folder that holds " + SPEC + " with --specs DIR");
        }
        ExperimentRunner runner = host.get(ExperimentRunner.class);
        List<Planned> plan = plan(file, runner);
        List<Probe> probes = probes(file, runner);
        PrintStream o = host.console().out();
        Path studyDir = resume != null ? resume.toAbsolutePath().normalize() : StudyFolders.create(out, NAME, clock);
        if (!quiet) {
            o.println(TITLE);
            o.println(plan.size() + " network(s) from " + file + " into " + studyDir);
        }
        if (!quiet) {
            o.println("gradient at the start of training (" + probeSteps + " step(s) of each fresh network, with and without batch norm):");
        }
        List<StartGradients> start = new ArrayList<>();
        for (Probe p : probes) {
            start.add(probeOne(runner, p, o));
        }
        List<ResnetOutcome> outcomes = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            Planned p = plan.get(i);
            if (!quiet) {
                o.println("[" + (i + 1) + "/" + plan.size() + "] " + p.spec().name());
            }
            outcomes.add(runOne(runner, p, studyDir, o));
        }
        ResnetStudyReport report = new ResnetStudyReport(outcomes, start);
        report.write(studyDir, commandLine());
        List<Path> runDirs = outcomes.stream().map(ResnetOutcome::runDir).filter(Objects::nonNull).toList();
        if (!runDirs.isEmpty()) {
            HtmlReport.write(runDirs, studyDir.resolve(REPORT));
        }
        o.println();
        report.print(o);
        o.println();
        o.println("study folder: " + studyDir + " (" + REPORT + ", " + ResnetStudyReport.MARKDOWN + ", " + ResnetStudyReport.CSV + ", "
                + ResnetStudyReport.GRADIENTS_CSV + ", " + ResnetStudyReport.START_CSV + ")");
        o.flush();
        return 0;
    }

    private void validate() {
        if (epochs != null && epochs < 1) {
            throw usage("--epochs must be at least 1, got " + epochs);
        }
        if (depths.isEmpty()) {
            throw usage("--depths needs at least one depth, e.g. --depths 8,20");
        }
        for (int d : depths) {
            if (d < 8 || (d - 2) % 6 != 0) {
                throw usage("--depths: " + d + " is not a resnet depth; use depths of the form 6n + 2 from 8 on, e.g. 8,14,20,32,44,56,110");
            }
        }
        if (depths.stream().distinct().count() != depths.size()) {
            throw usage("--depths lists a depth twice: " + depths + "; give each depth once");
        }
        if (probeSteps < 1) {
            throw usage("--probe-steps must be at least 1, got " + probeSteps);
        }
        if (trainSamples != null && trainSamples < 1) {
            throw usage("--train-samples must be at least 1, got " + trainSamples);
        }
        if (testSamples != null && testSamples < 1) {
            throw usage("--test-samples must be at least 1, got " + testSamples);
        }
        if (resume != null && !Files.isDirectory(resume)) {
            throw usage("--resume " + resume + " is not a folder; give the study folder (resnet-<timestamp>) a study resnet run wrote");
        }
        if (data != null && !Files.isDirectory(data)) {
            throw usage("--data " + data + " is not a folder; give the folder of the FashionMNIST IDX files, or leave --data out"
                    + " to use the installed data (else the embedded subset)");
        }
        if (subset != null && !subset.equals("embedded") && !subset.equals("full")) {
            throw usage("--subset must be embedded or full, got '" + subset + "'");
        }
    }

    /** Loads and resolves the spec of every network (plain first, then residual, at each depth) before anything trains. */
    private List<Planned> plan(Path file, ExperimentRunner runner) {
        List<String> common = common();
        List<Planned> plan = new ArrayList<>();
        for (int depth : depths.stream().sorted().toList()) {
            for (boolean residual : new boolean[] {false, true}) {
                List<String> sets = new ArrayList<>(common);
                sets.add("model.architecture.depth=" + depth);
                sets.add("model.architecture.residual=" + residual);
                sets.add("name=" + (residual ? "resnet" : "plain") + depth);
                sets.add("description=" + (residual ? "resnet-" : "plain-") + depth + " of the resnet study");
                ExperimentSpec spec = SpecLoader.load(file, sets);
                runner.resolve(spec);
                plan.add(new Planned(depth, residual, spec));
            }
        }
        return plan;
    }

    /** The start-of-training probes: at each depth plain and residual, each with and without batch norm. */
    private List<Probe> probes(Path file, ExperimentRunner runner) {
        List<String> common = common();
        common.add("data.source.test-size=" + Math.min(PROBE_TEST_SAMPLES, testSamples == null ? PROBE_TEST_SAMPLES : testSamples));
        List<Probe> probes = new ArrayList<>();
        for (int depth : depths.stream().sorted().toList()) {
            for (boolean norm : new boolean[] {true, false}) {
                for (boolean residual : new boolean[] {false, true}) {
                    List<String> sets = new ArrayList<>(common);
                    sets.add("model.architecture.depth=" + depth);
                    sets.add("model.architecture.residual=" + residual);
                    sets.add("model.architecture.batch-norm=" + norm);
                    sets.add("name=" + (residual ? "resnet" : "plain") + depth + (norm ? "-bn" : "-nobn"));
                    ExperimentSpec spec = SpecLoader.load(file, sets);
                    runner.resolve(spec);
                    probes.add(new Probe(depth, residual, norm, spec));
                }
            }
        }
        return probes;
    }

    private StartGradients probeOne(ExperimentRunner runner, Probe p, PrintStream o) {
        StudyRunListener listener = new StudyRunListener(m -> { });
        StartGradients g;
        try {
            runner.run(p.spec(), RunOptions.probe(Optional.ofNullable(data), probeSteps), listener);
            g = new StartGradients(p.depth(), p.residual(), p.batchNorm(),
                    listener.history().isEmpty() ? List.of() : ResnetOutcome.convGrads(listener.history().get(0)), null);
        } catch (GradlabException e) {
            g = new StartGradients(p.depth(), p.residual(), p.batchNorm(), listener.history().isEmpty() ? List.of()
                    : ResnetOutcome.convGrads(listener.history().get(0)), e.getMessage());
        }
        if (!quiet) {
            o.println(String.format(Locale.ROOT, "    %-16s first/last conv gradient %s%s", g.key(), ResnetStudyReport.sci(g.firstLastRatio()),
                    g.error() == null ? "" : "  (" + g.error() + ")"));
            o.flush();
        }
        return g;
    }

    private List<String> common() {
        List<String> common = new ArrayList<>();
        if (subset != null) {
            common.add("data.source.subset=" + subset);
        }
        if (trainSamples != null) {
            common.add("data.source.train-size=" + trainSamples);
        }
        if (testSamples != null) {
            common.add("data.source.test-size=" + testSamples);
        }
        if (epochs != null) {
            common.add("training.epochs=" + epochs);
        }
        common.addAll(overrides);
        return common;
    }

    private ResnetOutcome runOne(ExperimentRunner runner, Planned p, Path studyDir, PrintStream o) {
        int planned = p.spec().training().epochs();
        StudyRunListener listener = new StudyRunListener(m -> {
            if (!quiet) {
                o.println(String.format(Locale.ROOT, "    epoch %d/%d  train loss %.4f  train error %.4f  test acc %.4f  %.1f s", m.epoch(),
                        planned, m.trainLoss(), 1 - m.trainAccuracy(), m.testAccuracy(), m.seconds()));
                o.flush();
            }
        });
        ResnetOutcome outcome;
        Optional<Path> previous = previousRun(runner, p, studyDir);
        try {
            RunResult result;
            if (previous.isPresent() && RunFolders.isComplete(previous.get())) {
                if (!quiet) {
                    o.println("    read back from " + previous.get().getFileName() + " (completed)");
                }
                StoredRun stored = StoredRun.read(previous.get());
                List<EpochMetrics> history = MetricsLog.inspect(stored.dir(), planned).history();
                return ResnetOutcome.of(p.depth(), p.residual(), "completed", history, stored.dir(), null);
            } else if (previous.isPresent()) {
                if (!quiet) {
                    o.println("    resuming " + previous.get().getFileName());
                }
                result = runner.resume(previous.get(), Optional.ofNullable(data), listener);
            } else {
                result = runner.run(p.spec(), new RunOptions(studyDir, Optional.ofNullable(data), true), listener);
            }
            outcome = ResnetOutcome.of(p.depth(), p.residual(), result.status(), result.history(), result.runDir(), null);
        } catch (GradlabException e) {
            outcome = ResnetOutcome.of(p.depth(), p.residual(), StudyRunListener.failureStatus(e), listener.history(), listener.runDir(),
                    e.getMessage());
        }
        if (!quiet) {
            o.println("    -> " + outcome.status() + (outcome.error() == null ? "" : ": " + outcome.error()));
        } else if (outcome.error() != null) {
            host.console().warn(outcome.key() + " " + outcome.status() + ": " + outcome.error());
        }
        return outcome;
    }

    /**
     * With {@code --resume}: the network's run folder in the study folder, one whose recorded spec is this
     * network's resolved spec and that completed or can resume; empty when there is none (it trains anew).
     */
    private Optional<Path> previousRun(ExperimentRunner runner, Planned p, Path studyDir) {
        if (resume == null) {
            return Optional.empty();
        }
        String specText = SpecWriter.toYaml(runner.resolve(p.spec()));
        List<Path> candidates;
        try (Stream<Path> s = Files.list(studyDir)) {
            candidates = s.filter(d -> d.getFileName().toString().startsWith(p.spec().name() + "-") && Files.isDirectory(d)).sorted().toList();
        } catch (IOException e) {
            throw new GradlabException(GradlabException.Category.IO, "cannot list the study folder " + studyDir + ": " + e.getMessage(), e);
        }
        Optional<Path> found = Optional.empty();
        for (Path d : candidates) {
            try {
                StoredRun stored = StoredRun.read(d);
                if ((RunFolders.isComplete(d) || RunFolders.isResumable(d)) && stored.specText().equals(specText)) {
                    found = Optional.of(d);
                }
            } catch (GradlabException e) {
                // not a run folder of this network (or a damaged one): it trains anew beside it
            }
        }
        return found;
    }

    private String commandLine() {
        StringBuilder sb = new StringBuilder("gradlab study resnet");
        if (data != null) {
            sb.append(" --data ").append(data);
        }
        if (epochs != null) {
            sb.append(" --epochs ").append(epochs);
        }
        sb.append(" --depths ").append(String.join(",", depths.stream().map(String::valueOf).toList()));
        if (trainSamples != null) {
            sb.append(" --train-samples ").append(trainSamples);
        }
        if (testSamples != null) {
            sb.append(" --test-samples ").append(testSamples);
        }
        if (subset != null) {
            sb.append(" --subset ").append(subset);
        }
        if (probeSteps != 1) {
            sb.append(" --probe-steps ").append(probeSteps);
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
