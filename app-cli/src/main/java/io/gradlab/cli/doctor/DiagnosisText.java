package io.gradlab.cli.doctor;

import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.Severity;
import io.gradlab.cli.LayerTable;
import io.gradlab.engine.run.Json;
import io.gradlab.engine.train.LayerMetrics;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** {@code gradlab doctor}'s output: for each finding, what is wrong, where, the evidence and the remedies; and as JSON. */
public final class DiagnosisText {
    private DiagnosisText() {}

    public static void print(Diagnosis d, PrintStream out) {
        out.println("gradlab doctor: " + d.name() + (d.data().isEmpty() ? "" : " (" + d.data() + ")"));
        out.println("probe: " + d.steps() + " training step(s) in " + d.epochs() + " epoch(s), status " + d.status()
                + ", no run folder written");
        if (d.last() != null) {
            out.println();
            out.println("layers at the end of the probe (epoch " + d.last().epoch() + "):");
            LayerTable.print(d.last().layers(), out, "  ");
        }
        out.println();
        if (d.findings().isEmpty()) {
            out.println("no findings: the diagnostics saw nothing wrong.");
        }
        for (Finding f : d.findings()) {
            out.println(f.severity() + "  " + f.code().replace('-', ' '));
            out.println("  what:      " + f.message());
            String where = where(f, d);
            if (where != null) {
                out.println("  where:     " + where);
            }
            if (!f.evidence().isEmpty()) {
                out.println("  evidence:  " + evidence(f.evidence()));
            }
            if (!f.remedies().isEmpty()) {
                out.println("  remedies:");
                for (String r : f.remedies()) {
                    out.println("    - " + r);
                }
            }
            out.println();
        }
        long critical = d.count(Severity.CRITICAL);
        long warnings = d.count(Severity.WARNING);
        out.println("diagnosis: " + (d.healthy() ? "healthy, no critical finding" : "NOT healthy, " + plural(critical, "critical finding"))
                + (warnings > 0 ? ", " + plural(warnings, "warning") : "") + " (exit code " + d.exitCode() + ")");
        out.flush();
    }

    private static String plural(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** {@code layer hidden1 (128 units)}, or null when the finding names no layer. */
    static String where(Finding f, Diagnosis d) {
        if (f.layer() == null) {
            return null;
        }
        Object units = f.evidence().get("units");
        if (units == null && d.last() != null) {
            for (LayerMetrics l : d.last().layers()) {
                if (l.name().equals(f.layer())) {
                    units = l.extra().get("units");
                }
            }
        }
        return "layer " + f.layer() + (units instanceof Number n ? " (" + n.intValue() + " units)" : "");
    }

    static String evidence(Map<String, Object> evidence) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Object> e : new TreeMap<>(evidence).entrySet()) {
            parts.add(e.getKey() + " " + value(e.getValue()));
        }
        return String.join(", ", parts);
    }

    private static String value(Object v) {
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                return String.valueOf(d);
            }
            return d != 0 && (Math.abs(d) < 1e-3 || Math.abs(d) >= 1e4) ? String.format(Locale.ROOT, "%.3g", d)
                    : String.format(Locale.ROOT, "%.4g", d);
        }
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                parts.add(e.getKey() + ": " + value(e.getValue()));
            }
            return "{" + String.join(", ", parts) + "}";
        }
        return String.valueOf(v);
    }

    /** The diagnosis as one JSON object (for scripts). */
    public static Map<String, Object> toJson(Diagnosis d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", d.name());
        out.put("data", d.data());
        out.put("status", d.status());
        out.put("steps", d.steps());
        out.put("epochs", d.epochs());
        out.put("healthy", d.healthy());
        out.put("exit_code", d.exitCode());
        out.put("critical", d.count(Severity.CRITICAL));
        out.put("warnings", d.count(Severity.WARNING));
        List<Map<String, Object>> findings = new ArrayList<>();
        for (Finding f : d.findings()) {
            Map<String, Object> fm = Json.toMap(f);
            String where = where(f, d);
            if (where != null) {
                fm.put("where", where);
            }
            findings.add(fm);
        }
        out.put("findings", findings);
        if (d.last() != null) {
            out.put("last_epoch", Json.toMap(d.last()));
        }
        return out;
    }
}
