package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.engine.registry.RegisteredComponent;
import io.gradlab.testkit.GradCheckReport;

/**
 * The outcome of {@code gradlab gradcheck} for one component.
 *
 * @param component the component checked
 * @param verdict   PASS, FAIL or SKIP
 * @param settings  how it was checked ({@code input width 4, modes TRAIN and EVAL}); empty for a skip
 * @param report    the test kit's report, or {@code null} when the check did not run to the end (a skip, or a
 *                  component that threw)
 * @param reason    why it was skipped or why it failed without a report (it threw); {@code null} otherwise
 * @param variant   the switch flipped for this check ({@code residual=false}), empty for the component as given
 */
record GradcheckResult(RegisteredComponent component, Verdict verdict, String settings, GradCheckReport report, String reason,
                       String variant) {
    /** The verdict of one component. */
    enum Verdict {
        PASS, FAIL, SKIP
    }

    GradcheckResult {
        requireNonNull(component, "component is null");
        requireNonNull(verdict, "verdict is null");
        requireNonNull(settings, "settings is null");
        requireNonNull(variant, "variant is null");
        if (verdict == Verdict.PASS && (report == null || !report.passed())) {
            throw new IllegalArgumentException("a PASS needs a passed report");
        }
        if (verdict != Verdict.PASS && report == null && reason == null) {
            throw new IllegalArgumentException("a " + verdict + " without a report needs a reason");
        }
    }

    static GradcheckResult of(RegisteredComponent component, String settings, GradCheckReport report) {
        return new GradcheckResult(component, report.passed() ? Verdict.PASS : Verdict.FAIL, settings, report, null, "");
    }

    static GradcheckResult skip(RegisteredComponent component, String reason) {
        return new GradcheckResult(component, Verdict.SKIP, "", null, requireNonNull(reason, "reason is null"), "");
    }

    static GradcheckResult threw(RegisteredComponent component, String settings, String reason) {
        return new GradcheckResult(component, Verdict.FAIL, settings, null, requireNonNull(reason, "reason is null"), "");
    }

    /** This result as the check of the variant {@code variant} ({@code residual=false}). */
    GradcheckResult withVariant(String variant) {
        return new GradcheckResult(component, verdict, settings, report, reason, variant);
    }

    /** {@code basic-block}, or {@code basic-block residual=false} for a variant. */
    String label() {
        return variant.isEmpty() ? component.id().value() : component.id().value() + " " + variant;
    }

    /** The number of gradient elements compared (0 without a report). */
    int checks() {
        return report == null ? 0 : report.checks();
    }

    /** The source for people: the classpath module, or {@code jar <file name>}. */
    String source() {
        return component.source().isClasspath() ? component.source().name() : "jar " + component.source().name();
    }
}
