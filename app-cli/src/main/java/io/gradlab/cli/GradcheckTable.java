package io.gradlab.cli;

import io.gradlab.testkit.GradCheckReport;
import java.io.PrintStream;
import java.util.List;

/**
 * The human form of {@code gradlab gradcheck}: one row per component and variant (kind, id and the switch flipped, source, elements checked,
 * largest relative error, verdict), with the worst point and the problems under each failure and the
 * reason under each skip, then a count of each verdict.
 */
final class GradcheckTable {
    private GradcheckTable() {}

    static void print(List<GradcheckResult> results, double threshold, PrintStream out) {
        out.println("gradient checks: central differences in float64, threshold " + Numbers.sci(threshold));
        if (results.isEmpty()) {
            out.println("no component to check");
            return;
        }
        TextTable table = new TextTable("kind", "id", "source", ">checks", ">max rel error", "verdict");
        for (GradcheckResult r : results) {
            GradCheckReport report = r.report();
            table.row(r.component().kind().label(), r.label(), r.source(),
                    report == null ? "-" : Integer.toString(report.checks()),
                    report == null || report.checks() == 0 ? "-" : Numbers.sci(report.maxRelativeError()),
                    r.verdict().name());
            switch (r.verdict()) {
                case PASS -> { }
                case SKIP -> table.note("    skipped: " + r.reason());
                case FAIL -> failureNotes(table, r);
            }
        }
        table.print(out, "  ");
        out.println();
        long pass = count(results, GradcheckResult.Verdict.PASS);
        long fail = count(results, GradcheckResult.Verdict.FAIL);
        long skip = count(results, GradcheckResult.Verdict.SKIP);
        long components = results.stream().map(GradcheckResult::component).distinct().count();
        out.println(components + " component(s) checked" + (components == results.size() ? "" : " in " + results.size() + " variants")
                + ": " + pass + " PASS, " + fail + " FAIL, " + skip + " SKIP");
    }

    private static void failureNotes(TextTable table, GradcheckResult r) {
        table.note("    checked with " + r.settings());
        GradCheckReport report = r.report();
        if (report == null) {
            table.note("    " + r.reason());
            return;
        }
        if (report.worst() != null && report.maxRelativeError() > report.threshold()) {
            table.note("    worst: " + report.worst().describe());
        }
        int more = (int) report.failures().stream().filter(p -> p != report.worst()).count();
        if (more > 0) {
            table.note("    and " + more + " more point(s) above the threshold" + (report.failures().size() == GradCheckReport.MAX_LISTED
                    ? " (at least)" : ""));
        }
        for (String problem : report.problems()) {
            table.note("    problem: " + problem);
        }
    }

    private static long count(List<GradcheckResult> results, GradcheckResult.Verdict verdict) {
        return results.stream().filter(r -> r.verdict() == verdict).count();
    }
}
