package io.gradlab.api.diag;

/** Where a diagnostic writes at the end of an epoch. */
public interface DiagnosticSink {
    /** A run-level figure in this epoch's metrics line ({@code grad_ratio_first_last}). */
    void metric(String key, Object value);

    /** A per-layer figure, written into that layer's entry of this epoch's {@code layers} list. */
    void layerMetric(String layer, String key, Object value);

    void finding(Finding finding);
}
