package io.gradlab.cli.study;

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

/** The comparison table of a study: printed as text, written as {@code study.md}, {@code study.csv} and {@code runs.csv}. */
final class StudyReport {
    static final String MARKDOWN = "study.md";
    static final String CSV = "study.csv";
    static final String RUNS_CSV = "runs.csv";

    private final Study study;
    private final List<RemedySummary> rows;
    private final List<Outcome> outcomes;
    private final int seeds;

    StudyReport(Study study, List<RemedySummary> rows, List<Outcome> outcomes, int seeds) {
        this.study = study;
        this.rows = List.copyOf(rows);
        this.outcomes = List.copyOf(outcomes);
        this.seeds = seeds;
    }

    List<RemedySummary> rows() {
        return rows;
    }

    private String[] header() {
        return seeds > 1
                ? new String[] {"remedy", ">test acc, last 5 epochs (mean ± sd)", ">final test acc (mean ± sd)", ">epochs to 50 %",
                        ">grad ratio first/last (epoch 1)", ">(last epoch)", "status"}
                : new String[] {"remedy", ">test acc, last 5 epochs", ">final test acc", ">epochs to 50 %", ">grad ratio first/last (epoch 1)",
                        ">(last epoch)", "status"};
    }

    private String[] cells(RemedySummary r) {
        String last = seeds > 1 ? fixed(r.lastMean()) + " ± " + fixed(r.lastStd()) : fixed(r.lastMean());
        String acc = seeds > 1 ? fixed(r.accuracyMean()) + " ± " + fixed(r.accuracyStd()) : fixed(r.accuracyMean());
        String epochs;
        if (r.reached50() == 0) {
            epochs = "never";
        } else if (seeds > 1) {
            epochs = String.format(Locale.ROOT, "%.1f (%d/%d runs)", r.epochsTo50Mean(), r.reached50(), r.runs());
        } else {
            epochs = String.valueOf(Math.round(r.epochsTo50Mean()));
        }
        String status = r.status() + (seeds > 1 ? " (" + r.completed() + "/" + r.runs() + ")" : "");
        return new String[] {r.remedy().key(), last, acc, epochs, sci(r.ratioFirst()), sci(r.ratioLast()), status};
    }

    /** The table as aligned text. */
    void print(PrintStream out) {
        TextTable table = new TextTable(header());
        for (RemedySummary r : rows) {
            table.row(cells(r));
        }
        table.print(out, "  ");
    }

    String markdown(String command) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(study.title()).append("\n\n");
        sb.append("Command: `").append(command).append("`\n\n");
        MarkdownTable.append(sb, header(), rows.stream().map(this::cells).toList(), false);
        String overSeeds = seeds > 1 ? ", mean and sample standard deviation over " + seeds + " seeds" : "";
        sb.append("\n- *test acc, last 5 epochs*: the mean test accuracy of each run's last ").append(Outcome.LAST_EPOCHS)
                .append(" epochs (one epoch's figure swings by a few hundredths under SGD)").append(overSeeds).append(";\n");
        sb.append("- *final test acc*: the test accuracy after the last epoch").append(overSeeds).append(";\n");
        sb.append("- *epochs to 50 %*: the first epoch whose test accuracy reached 0.5 (\"never\" when none did)")
                .append(seeds > 1 ? ", mean over the runs that got there" : "").append(";\n");
        sb.append("- *grad ratio first/last*: the mean weight-gradient norm of the first hidden layer divided by the last hidden layer's")
                .append(" over an epoch (the gradient-flow diagnostic); far below 1 means a vanishing gradient")
                .append(seeds > 1 ? " (geometric mean over seeds)" : "").append(".\n\n");
        sb.append("## Runs\n\n");
        for (Outcome o : outcomes) {
            sb.append("- ").append(o.remedy().key()).append(" (seed ").append(o.seed()).append("): ").append(o.status());
            if (o.runDir() != null) {
                sb.append(", `").append(o.runDir().getFileName()).append('`');
            }
            if (o.error() != null) {
                sb.append(" — ").append(o.error().replace('\n', ' '));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    String csv() {
        StringBuilder sb = new StringBuilder("remedy,label,runs,completed,final_test_accuracy_mean,final_test_accuracy_sd,reached_50,"
                + "epochs_to_50_mean,grad_ratio_first_epoch,grad_ratio_last_epoch,status,last5_test_accuracy_mean,last5_test_accuracy_sd\n");
        for (RemedySummary r : rows) {
            sb.append(String.join(",", r.remedy().key(), quote(r.remedy().label()), String.valueOf(r.runs()), String.valueOf(r.completed()),
                    num(r.accuracyMean()), num(r.accuracyStd()), String.valueOf(r.reached50()), num(r.epochsTo50Mean()),
                    num(r.ratioFirst()), num(r.ratioLast()), r.status(), num(r.lastMean()), num(r.lastStd()))).append('\n');
        }
        return sb.toString();
    }

    String runsCsv() {
        StringBuilder sb = new StringBuilder("remedy,seed,status,epochs,final_test_accuracy,epochs_to_50,grad_ratio_first_epoch,grad_ratio_last_epoch,run_dir,"
                + "last5_test_accuracy\n");
        for (Outcome o : outcomes) {
            sb.append(String.join(",", o.remedy().key(), String.valueOf(o.seed()), o.status(), String.valueOf(o.epochs()),
                    num(o.finalAccuracy()), String.valueOf(o.epochsTo50()), num(o.ratioFirst()), num(o.ratioLast()),
                    o.runDir() == null ? "" : quote(o.runDir().getFileName().toString()), num(o.lastAccuracy()))).append('\n');
        }
        return sb.toString();
    }

    /** Writes study.md, study.csv and runs.csv into {@code dir}; returns their paths. */
    List<Path> write(Path dir, String command) {
        List<Path> written = new ArrayList<>();
        written.add(writeText(dir.resolve(MARKDOWN), markdown(command)));
        written.add(writeText(dir.resolve(CSV), csv()));
        written.add(writeText(dir.resolve(RUNS_CSV), runsCsv()));
        return written;
    }

    private static Path writeText(Path file, String text) {
        io.gradlab.engine.run.OutputFiles.replace(file, text.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    String text() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream p = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            print(p);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String fixed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String sci(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2e", v);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.valueOf(v);
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
