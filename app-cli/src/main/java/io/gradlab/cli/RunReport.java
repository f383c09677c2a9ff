package io.gradlab.cli;

import io.gradlab.api.diag.Finding;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.LayerMetrics;
import io.gradlab.engine.train.RunResult;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * The end of {@code gradlab run}: the per-layer table of the last epoch, the first/last hidden
 * gradient ratio, the findings with their remedies, and the run folder.
 */
final class RunReport {
    private RunReport() {}

    static void print(RunResult result, PrintStream out) {
        EpochMetrics last = result.last();
        out.println();
        if (last != null) {
            out.println("layers after epoch " + last.epoch() + (last.stage() == null ? "" : " [" + last.stage() + "]") + ":");
            LayerTable.print(last.layers(), out, "  ");
            List<LayerMetrics> layers = last.layers();
            Object metric = last.extra().get("grad_ratio_first_last");
            double ratio = metric instanceof Number n ? n.doubleValue() : LayerTable.firstLastRatio(layers);
            if (layers.size() >= 3 && !Double.isNaN(ratio)) {
                out.println("gradient ratio first/last hidden layer (" + layers.get(0).name() + " / " + layers.get(layers.size() - 2).name()
                        + "): " + Numbers.sci(ratio));
            }
        } else {
            out.println("no epoch completed");
        }
        printFindings(result.findings(), out);
        if (last != null) {
            out.println("final test accuracy " + Numbers.fixed(last.testAccuracy(), 4) + ", test loss " + Numbers.fixed(last.testLoss(), 4)
                    + " (" + result.history().size() + " epoch(s), status " + result.status() + ")");
        }
        if (result.summary().get("stopped_early") instanceof Map<?, ?> stopped) {
            out.println(stopped.get("reason"));
        }
        if (result.summary().get("best") instanceof Map<?, ?> best) {
            out.println("best epoch " + best.get("epoch") + (best.containsKey("file") ? ", weights in " + best.get("file") : ""));
        }
        if (result.runDir() != null) {
            out.println("run folder: " + result.runDir());
        }
        out.flush();
    }

    static void printFindings(List<Finding> findings, PrintStream out) {
        if (findings.isEmpty()) {
            out.println("findings: none");
            return;
        }
        out.println("findings:");
        for (Finding f : findings) {
            out.println("  " + f.severity() + " " + f.message());
            if (!f.remedies().isEmpty()) {
                out.println("    remedies:");
                for (String remedy : f.remedies()) {
                    out.println("    - " + remedy);
                }
            }
        }
    }
}
