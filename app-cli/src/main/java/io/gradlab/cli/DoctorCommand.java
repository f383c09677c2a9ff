package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.cli.doctor.Diagnosis;
import io.gradlab.cli.doctor.DiagnosisText;
import io.gradlab.cli.doctor.Doctor;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.run.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gradlab doctor SPEC}: a short probe training without a run folder, then the diagnosis in plain words. */
@Command(name = "doctor",
        header = "Probe-train a spec for a few steps and explain what stops it from learning.",
        description = {"Probe-train an experiment spec for a few dozen steps (no run folder is written) and explain",
                "what the diagnostics found: what is wrong, where, the evidence and the remedies.",
                "Exit code 0 when healthy, 1 with a critical finding (vanishing or exploding gradient, dead or",
                "saturated units, symmetric units, a NaN); 2-7 for usage, spec, data or I/O errors as for 'run'."})
final class DoctorCommand implements Callable<Integer> {
    private final Host host;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The experiment spec file (.yaml, .yml or .json).")
    Path specFile;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "" + Doctor.DEFAULT_STEPS,
            description = "Training steps of the probe (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--json", description = "Print the diagnosis as one JSON object.")
    boolean json;

    @Option(names = "--data", paramLabel = "DIR",
            description = "The data folder (e.g. the FashionMNIST IDX files); overrides the spec's data path.")
    Path data;

    @Option(names = "--subset", paramLabel = "SUBSET",
            description = "The FashionMNIST subset: auto, embedded (the shipped 5000/1000 images, fast) or full "
                    + "(the same as --set data.source.subset=SUBSET).")
    String subset;

    @Option(names = "--keep-validation",
            description = "Keep the spec's validation split (by default the probe trains on all training data and skips it).")
    boolean keepValidation;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a spec value, e.g. --set training.optimizer.lr=0.1 (repeatable, applied in order).")
    List<String> overrides = new ArrayList<>();

    DoctorCommand(Host host) {
        this.host = requireNonNull(host, "host is null");
    }

    @Override
    public Integer call() {
        Console console = host.console();
        List<String> all = new ArrayList<>();
        if (!keepValidation) {
            all.add("data.validation=0");
        }
        if (subset != null) {
            all.add("data.source.subset=" + subset);
        }
        all.addAll(overrides);
        ExperimentSpec spec = SpecLoader.load(specFile, all);
        Doctor doctor = new Doctor(host.get(ExperimentRunner.class));
        Diagnosis diagnosis;
        try (ProbeProgress progress = new ProbeProgress(json ? quiet(console) : console, "probe", steps)) {
            host.watchdog().armOnStart(spec.training().stepTimeout(), "doctor's probe step");
            diagnosis = doctor.examine(spec, Optional.ofNullable(data), steps, host.watchdog().beating(progress));
        } finally {
            host.watchdog().disarm();
        }
        if (json) {
            console.out().println(Json.pretty(DiagnosisText.toJson(diagnosis)).stripTrailing());
            console.out().flush();
        } else {
            DiagnosisText.print(diagnosis, console.out());
        }
        return diagnosis.exitCode();
    }

    private static Console quiet(Console console) {
        return new Console(console.out(), console.err(), false, console.verbose());
    }
}
