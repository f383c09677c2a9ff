package io.gradlab.cli.study;

import io.gradlab.cli.TextTable;
import io.gradlab.engine.run.OutputFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The comparison of the resnet study: one row per network (training error per epoch, the first/last
 * convolution gradient ratio), printed and written as {@code study.md} and {@code study.csv}, the
 * per-convolution gradient norms as {@code gradients.csv}, and a verdict line on the two questions of
 * the study (degradation of the plain nets, the gradient ratio of the deepest plain net against its
 * residual twin).
 */
final class ResnetStudyReport {
    static final String MARKDOWN = "study.md";
    static final String CSV = "study.csv";
    static final String GRADIENTS_CSV = "gradients.csv";

    private final List<ResnetOutcome> outcomes;
    private final int epochs;

    ResnetStudyReport(List<ResnetOutcome> outcomes) {
        this.outcomes = List.copyOf(outcomes);
        this.epochs = this.outcomes.stream().mapToInt(o -> o.trainErrors().size()).max().orElse(0);
    }

    private String[] header() {
        String[] h = new String[6 + epochs];
        h[0] = "network";
        h[1] = ">depth";
        h[2] = "shortcuts";
        h[3] = "status";
        for (int e = 1; e <= epochs; e++) {
            h[3 + e] = ">train err ep." + e;
        }
        h[4 + epochs] = ">test acc";
        h[5 + epochs] = ">grad first/last conv";
        return h;
    }

    private String[] cells(ResnetOutcome o) {
        String[] c = new String[6 + epochs];
        c[0] = o.key();
        c[1] = String.valueOf(o.depth());
        c[2] = o.residual() ? "yes" : "no";
        c[3] = o.status();
        for (int e = 0; e < epochs; e++) {
            c[4 + e] = e < o.trainErrors().size() ? fixed(o.trainErrors().get(e)) : "-";
        }
        c[4 + epochs] = fixed(o.finalTestAccuracy());
        c[5 + epochs] = sci(o.firstLastRatio());
        return c;
    }

    void print(PrintStream out) {
        TextTable table = new TextTable(header());
        for (ResnetOutcome o : outcomes) {
            table.row(cells(o));
            if (o.error() != null) {
                table.note("    " + o.status() + ": " + o.error());
            }
        }
        table.print(out, "");
        out.println(verdict());
    }

    /** Writes study.md, study.csv and gradients.csv into {@code dir}. */
    void write(Path dir, String command) {
        OutputFiles.replace(dir.resolve(MARKDOWN), markdown(command).getBytes(StandardCharsets.UTF_8));
        OutputFiles.replace(dir.resolve(CSV), csv().getBytes(StandardCharsets.UTF_8));
        OutputFiles.replace(dir.resolve(GRADIENTS_CSV), gradients().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * One line answering the study's two questions: does the deepest plain net end with a higher training
     * error than the shallowest plain one while the deepest residual net does not (degradation); is the
     * deepest plain net's first/last convolution gradient ratio at least 100x smaller than its residual twin's.
     */
    String verdict() {
        Optional<ResnetOutcome> shallowPlain = pick(false, Comparator.naturalOrder());
        Optional<ResnetOutcome> deepPlain = pick(false, Comparator.reverseOrder());
        Optional<ResnetOutcome> shallowRes = pick(true, Comparator.naturalOrder());
        Optional<ResnetOutcome> deepRes = pick(true, Comparator.reverseOrder());
        StringBuilder sb = new StringBuilder("verdict: ");
        if (shallowPlain.isEmpty() || deepPlain.isEmpty() || shallowPlain.get().depth() == deepPlain.get().depth()) {
            sb.append("degradation: needs plain nets of two depths that finished");
        } else {
            ResnetOutcome s = shallowPlain.get();
            ResnetOutcome d = deepPlain.get();
            boolean degrades = d.finalTrainError() > s.finalTrainError();
            sb.append(String.format(Locale.ROOT, "degradation %s (plain%d train error %.4f %s plain%d %.4f", degrades ? "yes" : "no",
                    d.depth(), d.finalTrainError(), degrades ? ">" : "<=", s.depth(), s.finalTrainError()));
            if (shallowRes.isPresent() && deepRes.isPresent() && shallowRes.get().depth() != deepRes.get().depth()) {
                boolean resDegrades = deepRes.get().finalTrainError() > shallowRes.get().finalTrainError();
                sb.append(String.format(Locale.ROOT, "; resnet%d %.4f %s resnet%d %.4f", deepRes.get().depth(),
                        deepRes.get().finalTrainError(), resDegrades ? ">" : "<=", shallowRes.get().depth(), shallowRes.get().finalTrainError()));
            }
            sb.append(')');
        }
        sb.append("; ");
        Optional<ResnetOutcome> twin = deepPlain.flatMap(p -> outcomes.stream()
                .filter(o -> o.residual() && o.depth() == p.depth() && !Double.isNaN(o.firstLastRatio())).findFirst());
        if (deepPlain.isEmpty() || twin.isEmpty() || Double.isNaN(deepPlain.get().firstLastRatio())) {
            sb.append("gradient ratio: needs a plain net and its residual twin at the same depth");
        } else {
            double plain = deepPlain.get().firstLastRatio();
            double res = twin.get().firstLastRatio();
            double factor = res / plain;
            sb.append(String.format(Locale.ROOT, "first/last conv gradient ratio plain%d %.2e, resnet%d %.2e: the plain one is %.3g times"
                    + " smaller (%s)", deepPlain.get().depth(), plain, twin.get().depth(), res, factor, factor >= 100 ? ">= 100x" : "not 100x"));
        }
        return sb.toString();
    }

    /** The finished net of a kind at the least (natural order) or the greatest (reverse order) depth. */
    private Optional<ResnetOutcome> pick(boolean residual, Comparator<Integer> order) {
        return outcomes.stream().filter(o -> o.residual() == residual && !o.trainErrors().isEmpty())
                .min(Comparator.comparing(ResnetOutcome::depth, order));
    }

    String markdown(String command) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(ResnetStudyCommand.TITLE).append("\n\n");
        sb.append("`").append(command).append("`\n\n");
        sb.append("train err: 1 - the training accuracy measured while the epoch trains; grad first/last conv: the weight-gradient")
                .append(" norm ||dL/dW|| of the first convolution (the stem) over that of the last one (the last block's second")
                .append(" convolution), both averaged over the first epoch's steps.\n\n");
        MarkdownTable.append(sb, header(), outcomes.stream().map(this::cells).toList(), true);
        sb.append('\n').append(verdict()).append('\n');
        List<ResnetOutcome> failed = outcomes.stream().filter(o -> o.error() != null).toList();
        if (!failed.isEmpty()) {
            sb.append("\n## Stopped and failed runs\n\n");
            for (ResnetOutcome o : failed) {
                sb.append("- **").append(o.key()).append("** (").append(o.status()).append("): ").append(o.error()).append('\n');
            }
        }
        sb.append("\n## Gradient norm per convolution, epoch 1\n\n");
        sb.append("||dL/dW|| of each 3x3 convolution from the input side (stem) to the output side, relative to the last one")
                .append(" (absolute figures: ").append(GRADIENTS_CSV).append(").\n\n");
        for (ResnetOutcome o : outcomes) {
            List<ResnetOutcome.ConvGrad> g = o.convGrads();
            if (g.isEmpty()) {
                continue;
            }
            double last = g.get(g.size() - 1).gradNorm();
            sb.append("- ").append(o.key()).append(':');
            for (ResnetOutcome.ConvGrad c : g) {
                sb.append(' ').append(last > 0 ? sci(c.gradNorm() / last) : "-");
            }
            sb.append('\n');
        }
        sb.append("\nRun folders (metrics.jsonl holds every epoch's per-layer figures):\n\n");
        for (ResnetOutcome o : outcomes) {
            sb.append("- ").append(o.key()).append(": ").append(o.runDir() == null ? "-" : o.runDir().getFileName()).append('\n');
        }
        return sb.toString();
    }

    String csv() {
        StringBuilder sb = new StringBuilder("network,depth,residual,status,epoch,train_error,final_test_accuracy,grad_first_last_ratio,run_dir\n");
        for (ResnetOutcome o : outcomes) {
            for (int e = 0; e < o.trainErrors().size(); e++) {
                sb.append(String.join(",", o.key(), String.valueOf(o.depth()), String.valueOf(o.residual()), o.status(),
                        String.valueOf(e + 1), num(o.trainErrors().get(e)), num(o.finalTestAccuracy()), num(o.firstLastRatio()),
                        o.runDir() == null ? "" : quote(o.runDir().toString()))).append('\n');
            }
        }
        return sb.toString();
    }

    String gradients() {
        StringBuilder sb = new StringBuilder("network,depth,residual,index,layer,grad_norm\n");
        for (ResnetOutcome o : outcomes) {
            for (int i = 0; i < o.convGrads().size(); i++) {
                ResnetOutcome.ConvGrad c = o.convGrads().get(i);
                sb.append(String.join(",", o.key(), String.valueOf(o.depth()), String.valueOf(o.residual()), String.valueOf(i), c.layer(),
                        num(c.gradNorm()))).append('\n');
            }
        }
        return sb.toString();
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

    private static String fixed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }
}
