package io.gradlab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.gradlab.engine.run.Json;
import io.gradlab.testkit.GradCheckReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of {@code gradlab gradcheck --json}, an array with one object per component:
 * <pre>{@code
 * [{"kind", "id", "variant" (the switch flipped: "residual=false", or null), "source", "jar", "verdict" (PASS, FAIL, SKIP), "settings", "threshold", "checks",
 *   "max_relative_error", "worst": {"tensor", "index", "position", "input", "analytic", "numerical",
 *   "relative_error", "note"} or null, "failures": [points above the threshold], "problems": [...],
 *   "reason": why skipped, or why it failed without a report (it threw), else null}]
 * }</pre>
 * Numbers that are not finite (a NaN gradient, an infinite relative error) are written as {@code null}.
 */
final class GradcheckJson {
    private GradcheckJson() {}

    static String render(List<GradcheckResult> results, double threshold) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (GradcheckResult r : results) {
            list.add(result(r, threshold));
        }
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(list) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the gradient checks as JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> result(GradcheckResult r, double threshold) {
        GradCheckReport report = r.report();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", r.component().kind().label());
        m.put("id", r.component().id().value());
        m.put("variant", r.variant().isEmpty() ? null : r.variant());
        m.put("source", r.component().source().name());
        m.put("jar", r.component().source().jar() == null ? null : r.component().source().jar().toString());
        m.put("verdict", r.verdict().name());
        m.put("settings", r.settings().isEmpty() ? null : r.settings());
        m.put("threshold", threshold);
        m.put("checks", r.checks());
        m.put("max_relative_error", report == null || report.checks() == 0 ? null : finite(report.maxRelativeError()));
        m.put("worst", report == null || report.worst() == null ? null : point(report.worst()));
        List<Map<String, Object>> failures = new ArrayList<>();
        if (report != null) {
            report.failures().forEach(p -> failures.add(point(p)));
        }
        m.put("failures", failures);
        m.put("problems", report == null ? List.of() : report.problems());
        m.put("reason", r.reason());
        return m;
    }

    private static Map<String, Object> point(GradCheckReport.Point p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tensor", p.tensor());
        m.put("index", p.index());
        m.put("position", p.position());
        m.put("input", finite(p.inputValue()));
        m.put("analytic", finite(p.analytic()));
        m.put("numerical", finite(p.numerical()));
        m.put("relative_error", finite(p.relativeError()));
        m.put("note", p.note());
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
