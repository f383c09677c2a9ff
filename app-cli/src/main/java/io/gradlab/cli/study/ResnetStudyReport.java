package io.gradlab.cli.study;

import io.gradlab.cli.TextTable;
import io.gradlab.engine.run.OutputFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

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
    static final String START_CSV = "start-gradients.csv";

    private final List<ResnetOutcome> outcomes;
    private final List<StartGradients> start;
    private final int epochs;

    ResnetStudyReport(List<ResnetOutcome> outcomes, List<StartGradients> start) {
        this.outcomes = List.copyOf(outcomes);
        this.start = List.copyOf(start);
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
        if (!start.isEmpty()) {
            out.println();
            out.println("gradient at the start of training, first/last conv ||dL/dW|| ratio:");
            TextTable t = new TextTable(START_HEADER);
            for (String[] row : startRows()) {
                t.row(row);
            }
            t.print(out, "");
        }
        out.println(verdict());
    }

    private static final String[] START_HEADER = {">depth", ">plain, batch norm", ">resnet, batch norm", ">plain, no norm", ">resnet, no norm"};

    private List<String[]> startRows() {
        List<String[]> rows = new ArrayList<>();
        for (int depth : start.stream().map(StartGradients::depth).distinct().sorted().toList()) {
            rows.add(new String[] {String.valueOf(depth), sci(startRatio(depth, false, true)), sci(startRatio(depth, true, true)),
                    sci(startRatio(depth, false, false)), sci(startRatio(depth, true, false))});
        }
        return rows;
    }

    private Optional<StartGradients> startOf(int depth, boolean residual, boolean batchNorm) {
        return start.stream().filter(g -> g.depth() == depth && g.residual() == residual && g.batchNorm() == batchNorm).findFirst();
    }

    private double startRatio(int depth, boolean residual, boolean batchNorm) {
        return startOf(depth, residual, batchNorm).map(StartGradients::firstLastRatio).orElse(Double.NaN);
    }

    /** Writes study.md, study.csv and gradients.csv into {@code dir}. */
    void write(Path dir, String command) {
        OutputFiles.replace(dir.resolve(MARKDOWN), markdown(command).getBytes(StandardCharsets.UTF_8));
        OutputFiles.replace(dir.resolve(CSV), csv().getBytes(StandardCharsets.UTF_8));
        OutputFiles.replace(dir.resolve(GRADIENTS_CSV), gradients().getBytes(StandardCharsets.UTF_8));
        OutputFiles.replace(dir.resolve(START_CSV), startGradients().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The lines answering the study's two questions: does the deepest plain net end with a higher training
     * error than the shallowest plain one while the deepest residual net does not (degradation); is the
     * deepest plain net's first/last convolution gradient ratio at least 100x smaller than its residual twin's,
     * at the start of training without and with batch norm, and over the trained nets' first epoch.
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
        OptionalInt deepest = start.stream().mapToInt(StartGradients::depth).max();
        if (deepest.isPresent()) {
            for (boolean norm : new boolean[] {false, true}) {
                sb.append('\n').append("verdict: gradient at the start of training, ").append(norm ? "with" : "without").append(" batch norm: ");
                ratioVerdict(sb, deepest.getAsInt(), startRatio(deepest.getAsInt(), false, norm), startRatio(deepest.getAsInt(), true, norm));
            }
        }
        sb.append('\n').append("verdict: gradient over epoch 1 of the trained nets: ");
        Optional<ResnetOutcome> twin = deepPlain.flatMap(p -> outcomes.stream()
                .filter(o -> o.residual() && o.depth() == p.depth() && !Double.isNaN(o.firstLastRatio())).findFirst());
        if (deepPlain.isEmpty() || twin.isEmpty()) {
            sb.append("gradient ratio: needs a plain net and its residual twin at the same depth");
        } else {
            ratioVerdict(sb, deepPlain.get().depth(), deepPlain.get().firstLastRatio(), twin.get().firstLastRatio());
        }
        return sb.toString();
    }

    private static void ratioVerdict(StringBuilder sb, int depth, double plain, double res) {
        if (Double.isNaN(plain) || Double.isNaN(res)) {
            sb.append("gradient ratio: needs a plain net and its residual twin at depth ").append(depth);
            return;
        }
        double factor = res / plain;
        sb.append(String.format(Locale.ROOT, "first/last conv gradient ratio plain%d %.2e, resnet%d %.2e: the plain one is %.3g times"
                + " smaller (%s)", depth, plain, depth, res, factor, factor >= 100 ? ">= 100x" : "not 100x"));
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
        if (!start.isEmpty()) {
            sb.append("\n## Gradient at the start of training\n\n");
            sb.append("The first/last convolution ||dL/dW|| ratio of each network over its first step(s) from initialization (not")
                    .append(" trained further), with batch norm after every convolution (the networks trained above) and without")
                    .append(" any normalization (the convolutions then have a bias). Per convolution: ").append(START_CSV).append(".\n\n");
            MarkdownTable.append(sb, START_HEADER, startRows(), true);
            sb.append('\n');
            for (StartGradients g : start) {
                appendRelative(sb, g.key(), g.convGrads());
                if (g.error() != null) {
                    sb.append("  (").append(g.error()).append(')').append('\n');
                }
            }
        }
        sb.append("\n## Gradient norm per convolution, epoch 1\n\n");
        sb.append("||dL/dW|| of each 3x3 convolution from the input side (stem) to the output side, relative to the last one")
                .append(" (absolute figures: ").append(GRADIENTS_CSV).append(").\n\n");
        for (ResnetOutcome o : outcomes) {
            appendRelative(sb, o.key(), o.convGrads());
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

    /** One markdown list item: each convolution's norm relative to the last one. */
    private static void appendRelative(StringBuilder sb, String key, List<ResnetOutcome.ConvGrad> g) {
        if (g.isEmpty()) {
            return;
        }
        double last = g.get(g.size() - 1).gradNorm();
        sb.append("- ").append(key).append(':');
        for (ResnetOutcome.ConvGrad c : g) {
            sb.append(' ').append(last > 0 ? sci(c.gradNorm() / last) : "-");
        }
        sb.append('\n');
    }

    String startGradients() {
        StringBuilder sb = new StringBuilder("network,depth,residual,batch_norm,index,layer,grad_norm\n");
        for (StartGradients g : start) {
            for (int i = 0; i < g.convGrads().size(); i++) {
                ResnetOutcome.ConvGrad c = g.convGrads().get(i);
                sb.append(String.join(",", g.key(), String.valueOf(g.depth()), String.valueOf(g.residual()), String.valueOf(g.batchNorm()),
                        String.valueOf(i), c.layer(), num(c.gradNorm()))).append('\n');
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

    static String sci(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2e", v);
    }

    private static String fixed(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }
}
