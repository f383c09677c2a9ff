package io.gradlab.cli.study;

import io.gradlab.engine.run.OutputFiles;

import io.gradlab.api.GradlabException;
import io.gradlab.cli.TextTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The comparison of the rnn study: a table printed as text and written as {@code study.md} and
 * {@code study.csv}, and the gradient-through-time curves as {@code curves.csv} (one line per run,
 * epoch and step) and, sampled, in {@code study.md}.
 */
final class RnnStudyReport {
    static final String MARKDOWN = "study.md";
    static final String CSV = "study.csv";
    static final String CURVES_CSV = "curves.csv";

    private static final String[] HEADER = {"run", "cell", ">rho", "clip", "status", ">epochs", ">final test MSE",
        ">gain/step ep.1", ">ratio first/last ep.1", ">gain/step last ep.", ">max grad norm"};

    private final List<RnnOutcome> outcomes;

    RnnStudyReport(List<RnnOutcome> outcomes) {
        this.outcomes = List.copyOf(outcomes);
    }

    private static String[] cells(RnnOutcome o) {
        return new String[] {o.run().key(), o.cell(), fixed(o.spectralRadius(), 2), o.clipped() ? "yes" : "no", o.status(),
            String.valueOf(o.epochs()), sci(o.finalTestLoss()), fixed(o.firstGain(), 3), sci(o.firstRatio()), fixed(o.lastGain(), 3),
            sci(o.maxGradNorm())};
    }

    void print(PrintStream out) {
        TextTable table = new TextTable(HEADER);
        for (RnnOutcome o : outcomes) {
            table.row(cells(o));
            if (o.error() != null) {
                table.note("    " + o.status() + ": " + o.error());
            }
        }
        table.print(out, "");
    }

    /** Writes study.md, study.csv and curves.csv into {@code dir}. */
    void write(Path dir, String command) {
        OutputFiles.replace(dir.resolve(MARKDOWN), markdown(command).getBytes(StandardCharsets.UTF_8));
        OutputFiles.replace(dir.resolve(CSV), csv().getBytes(StandardCharsets.UTF_8));
        OutputFiles.replace(dir.resolve(CURVES_CSV), curves().getBytes(StandardCharsets.UTF_8));
    }

    String markdown(String command) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(RnnStudyRuns.TITLE).append("\n\n");
        sb.append("`").append(command).append("`\n\n");
        sb.append("gain/step: exp of the slope of log ||dL/dh_t|| against the distance from the last step (epoch mean);")
                .append(" ratio first/last: ||dL/dh_0|| / ||dL/dh_T-1||; max grad norm: the largest ||dL/dh_t|| of any step")
                .append(" (for a stopped run, up to the stop). Predicting the mean scores test MSE 0.167.\n\n");
        MarkdownTable.append(sb, HEADER, outcomes.stream().map(RnnStudyReport::cells).toList(), true);
        List<RnnOutcome> failed = outcomes.stream().filter(o -> o.error() != null).toList();
        if (!failed.isEmpty()) {
            sb.append("\n## Stopped and failed runs\n\n");
            for (RnnOutcome o : failed) {
                sb.append("- **").append(o.run().key()).append("** (").append(o.status()).append("): ").append(o.error()).append('\n');
            }
        }
        sb.append("\n## Gradient through time, epoch 1\n\n");
        sb.append("||dL/dh_t|| relative to the last step (t = T-1), at a few steps t (all steps: ").append(CURVES_CSV)
                .append("; stopped runs: the last backward pass whose gradients were all finite).\n\n");
        int steps = outcomes.stream().mapToInt(o -> o.firstCurve().size()).max().orElse(0);
        if (steps > 0) {
            List<Integer> at = samples(steps);
            sb.append("| run |");
            for (int t : at) {
                sb.append(" t=").append(t).append(" |");
            }
            sb.append("\n| --- |");
            sb.append(" ---: |".repeat(at.size()));
            sb.append('\n');
            for (RnnOutcome o : outcomes) {
                List<Double> c = o.firstCurve();
                sb.append("| ").append(o.run().key()).append(" |");
                for (int t : at) {
                    double last = c.isEmpty() ? Double.NaN : c.get(c.size() - 1);
                    sb.append(' ').append(t < c.size() && last > 0 ? sci(c.get(t) / last) : "-").append(" |");
                }
                sb.append('\n');
            }
        }
        sb.append("\nRun folders (metrics.jsonl holds every epoch's curve as `grad_through_time`):\n\n");
        for (RnnOutcome o : outcomes) {
            sb.append("- ").append(o.run().key()).append(": ").append(o.runDir() == null ? "-" : o.runDir().getFileName()).append('\n');
        }
        return sb.toString();
    }

    private static List<Integer> samples(int steps) {
        List<Integer> at = new ArrayList<>();
        int stride = Math.max(1, (steps - 1) / 5);
        for (int t = 0; t < steps - 1; t += stride) {
            at.add(t);
        }
        at.add(steps - 1);
        return at;
    }

    String csv() {
        StringBuilder sb = new StringBuilder("run,label,cell,spectral_radius,clip,status,epochs,final_train_loss,final_test_loss,"
                + "first_epoch_grad_time_gain,first_epoch_grad_time_ratio,last_epoch_grad_time_gain,last_epoch_grad_time_ratio,"
                + "max_grad_norm,final_w_hh_spectral_radius,run_dir\n");
        for (RnnOutcome o : outcomes) {
            sb.append(String.join(",", o.run().key(), quote(o.run().label()), o.cell(), num(o.spectralRadius()), String.valueOf(o.clipped()),
                    o.status(), String.valueOf(o.epochs()), num(o.finalTrainLoss()), num(o.finalTestLoss()), num(o.firstGain()),
                    num(o.firstRatio()), num(o.lastGain()), num(o.lastRatio()), num(o.maxGradNorm()), num(o.finalRadius()),
                    o.runDir() == null ? "" : quote(o.runDir().toString()))).append('\n');
        }
        return sb.toString();
    }

    String curves() {
        StringBuilder sb = new StringBuilder("run,epoch,t,grad_norm\n");
        for (RnnOutcome o : outcomes) {
            appendCurve(sb, o.run().key(), "1", o.firstCurve());
            if (o.epochs() > 1) {
                appendCurve(sb, o.run().key(), String.valueOf(o.epochs()), o.lastCurve());
            }
        }
        return sb.toString();
    }

    private static void appendCurve(StringBuilder sb, String key, String epoch, List<Double> curve) {
        for (int t = 0; t < curve.size(); t++) {
            sb.append(key).append(',').append(epoch).append(',').append(t).append(',').append(num(curve.get(t))).append('\n');
        }
    }

    /** The printed table as a string (for tests). */
    String text() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream p = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            print(p);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static String sci(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2e", v);
    }

    private static String fixed(double v, int digits) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }
}
