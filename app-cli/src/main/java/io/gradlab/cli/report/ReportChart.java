package io.gradlab.cli.report;

import static java.util.Objects.requireNonNull;

import org.knowm.xchart.internal.chartpart.Chart;

/**
 * One chart of a report.
 *
 * @param id      a file-name-safe id, unique in the report ({@code loss}, {@code gradnorm-m05-baseline})
 * @param section the run label it belongs to, or {@code null} for the comparison charts
 * @param caption one sentence under the chart
 */
public record ReportChart(String id, String section, String caption, Chart<?, ?> chart) {
    public ReportChart {
        requireNonNull(id, "id is null");
        requireNonNull(caption, "caption is null");
        requireNonNull(chart, "chart is null");
        if (!id.matches("[a-z0-9][a-z0-9._-]*")) {
            throw new IllegalArgumentException("chart id '" + id + "' must be file-name safe");
        }
    }
}
