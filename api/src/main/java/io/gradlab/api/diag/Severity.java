package io.gradlab.api.diag;

/** How bad a finding is; a {@link #CRITICAL} finding makes {@code gradlab doctor} exit non-zero. */
public enum Severity {
    INFO,
    WARNING,
    CRITICAL
}
