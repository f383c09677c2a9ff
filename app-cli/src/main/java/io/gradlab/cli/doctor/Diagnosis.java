package io.gradlab.cli.doctor;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.Severity;
import io.gradlab.engine.train.EpochMetrics;
import java.util.List;

/**
 * What {@code gradlab doctor} found.
 *
 * @param name     the experiment's name
 * @param data     a description of the data the probe trained on
 * @param status   {@code step-limit} or {@code completed} (the probe ran), {@code stopped} (a diagnostic stopped it)
 *                 or {@code diverged}
 * @param steps    the optimizer steps the probe took
 * @param last     the figures of the probe's last epoch, or {@code null} when none was recorded
 * @param findings the findings of the last epoch (and the one that stopped the run), most severe first
 */
public record Diagnosis(String name, String data, String status, long steps, int epochs, EpochMetrics last, List<Finding> findings) {
    /** The exit code of {@code gradlab doctor} when something is critical. */
    public static final int CRITICAL_EXIT_CODE = 1;

    public Diagnosis {
        requireNonNull(name, "name is null");
        requireNonNull(status, "status is null");
        findings = List.copyOf(requireNonNull(findings, "findings is null"));
    }

    public long count(Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).count();
    }

    /** No critical finding. */
    public boolean healthy() {
        return count(Severity.CRITICAL) == 0;
    }

    public int exitCode() {
        return healthy() ? 0 : CRITICAL_EXIT_CODE;
    }
}
