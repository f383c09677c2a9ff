package io.gradlab.cli.doctor;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.Severity;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.train.DivergenceException;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.ExperimentRunner;
import io.gradlab.engine.train.RunOptions;
import io.gradlab.engine.train.RunResult;
import io.gradlab.engine.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A short probe training of a spec without a run folder ({@link RunOptions#probe}): the default
 * diagnostics (and those the spec lists) watch it, and the findings of its last epoch, or the one
 * that stopped it, make the diagnosis.
 */
public final class Doctor {
    /** The probe's length when none is given: a few dozen steps. */
    public static final long DEFAULT_STEPS = 40;

    private final ExperimentRunner runner;

    public Doctor(ExperimentRunner runner) {
        this.runner = requireNonNull(runner, "runner is null");
    }

    /** Trains {@code spec} for at most {@code steps} steps and diagnoses it; spec and data errors propagate. */
    public Diagnosis examine(ExperimentSpec spec, Optional<Path> dataDir, long steps, TrainingListener progress) {
        requireNonNull(spec, "spec is null");
        requireNonNull(progress, "progress is null");
        if (steps < 1) {
            throw new GradlabException(GradlabException.Category.USAGE, "--steps must be at least 1, got " + steps);
        }
        Recorder recorder = new Recorder(progress);
        try {
            RunResult result = runner.run(spec, RunOptions.probe(dataDir, steps), recorder);
            return diagnosis(spec, recorder, result.status(), List.of());
        } catch (DivergenceException e) {
            Finding diverged = new Finding(Severity.CRITICAL, "diverged", e.getMessage(), null,
                    Map.of("epoch", e.epoch(), "step", e.step()), List.of(
                            "a smaller learning rate (--set training.optimizer.lr=...)",
                            "clip gradients by global norm (training.gradient-transforms: [{id: clip-norm, max-norm: 1.0}])",
                            "a smaller initialization scale"));
            return diagnosis(spec, recorder, "diverged", List.of(diverged));
        } catch (GradlabException e) {
            Diagnostic.StopTraining stop = stopCause(e);
            if (stop == null) {
                throw e;
            }
            return diagnosis(spec, recorder, "stopped", List.of(stop.finding()));
        }
    }

    private static Diagnostic.StopTraining stopCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof Diagnostic.StopTraining s) {
                return s;
            }
        }
        return null;
    }

    private Diagnosis diagnosis(ExperimentSpec spec, Recorder recorder, String status, List<Finding> extra) {
        ExperimentSpec resolved = resolvedOrNull(spec);
        EpochMetrics last = recorder.epochs.isEmpty() ? null : recorder.epochs.get(recorder.epochs.size() - 1);
        Map<String, Finding> unique = new LinkedHashMap<>();
        for (Finding f : extra) {
            unique.putIfAbsent(key(f), f);
        }
        if (last != null) {
            for (Finding f : last.findings()) {
                unique.putIfAbsent(key(f), f);
            }
        }
        // a blow-up in an earlier epoch of the probe is still the cause of what the last epoch shows
        for (int e = recorder.epochs.size() - 2; e >= 0; e--) {
            EpochMetrics m = recorder.epochs.get(e);
            for (Finding f : m.findings()) {
                if (Causes.rank(f.code()) == Causes.DIVERGENCE && f.severity() == Severity.CRITICAL) {
                    unique.putIfAbsent(key(f), inEpoch(f, m.epoch()));
                }
            }
        }
        List<Finding> findings = Causes.order(new ArrayList<>(unique.values()));
        if (resolved != null) {
            findings = ConvRemedy.apply(resolved, findings);
        }
        return new Diagnosis(spec.name(), recorder.data, status, recorder.steps, recorder.epochs.size(), last, findings);
    }

    /** The spec with its defaults filled in, or null when it does not resolve (the probe has reported that already). */
    private ExperimentSpec resolvedOrNull(ExperimentSpec spec) {
        try {
            return runner.resolve(spec);
        } catch (GradlabException e) {
            return null;
        }
    }

    private static String key(Finding f) {
        return f.code() + "@" + f.layer();
    }

    private static Finding inEpoch(Finding f, int epoch) {
        Map<String, Object> evidence = new LinkedHashMap<>(f.evidence());
        evidence.putIfAbsent("epoch", epoch);
        return new Finding(f.severity(), f.code(), "in epoch " + epoch + ": " + f.message(), f.layer(), evidence, f.remedies());
    }

    /** Passes progress on and keeps the epochs, the step count and the data description. */
    private static final class Recorder implements TrainingListener {
        private final TrainingListener delegate;
        private final List<EpochMetrics> epochs = new ArrayList<>();
        private long steps;
        private String data = "";

        Recorder(TrainingListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onStart(RunInfo info) {
            data = info.data();
            delegate.onStart(info);
        }

        @Override
        public void onStep(int epoch, int step, int stepsPerEpoch, double runningLoss, double runningAccuracy, double samplesPerSecond) {
            steps++;
            delegate.onStep(epoch, step, stepsPerEpoch, runningLoss, runningAccuracy, samplesPerSecond);
        }

        @Override
        public void onEpoch(EpochMetrics metrics) {
            epochs.add(metrics);
            delegate.onEpoch(metrics);
        }
    }
}
