package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.engine.sweep.Trial;
import io.gradlab.engine.sweep.TrialListener;
import io.gradlab.engine.sweep.TrialResult;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What {@code gradlab sweep} shows while trials run: on a terminal a progress bar over the whole
 * sweep, with each finished trial's line printed above it; otherwise only the lines, one per finished
 * trial. Called from the executor's threads, so every method is synchronised.
 */
final class SweepProgress implements TrialListener, AutoCloseable {
    private final Console console;
    private final boolean quiet;
    private ProgressBar bar;
    private BarConsumer consumer;
    private int total;
    private int done;

    SweepProgress(Console console, boolean quiet) {
        this.console = requireNonNull(console, "console is null");
        this.quiet = quiet;
    }

    @Override
    public synchronized void planned(int pending, int reused) {
        total = pending;
        if (quiet) {
            return;
        }
        if (reused > 0) {
            console.out().println(reused + " trial(s) finished by an earlier run of this sweep are kept; " + pending + " to run");
        }
        if (console.interactive() && pending > 0) {
            consumer = new BarConsumer(console);
            bar = new ProgressBarBuilder().setTaskName("sweep").setInitialMax(pending).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(500).setConsumer(consumer).build();
        }
        console.out().flush();
    }

    @Override
    public synchronized void finished(Trial trial, TrialResult result) {
        done++;
        if (quiet) {
            return;
        }
        String line = line(done, total, result);
        if (bar != null) {
            consumer.erase();
            console.out().println(line);
            bar.step();
        } else {
            console.out().println(line);
        }
        console.out().flush();
    }

    static String line(int done, int total, TrialResult r) {
        StringBuilder sb = new StringBuilder("[" + done + "/" + total + "] " + r.trialId() + "  " + r.status());
        if (!Double.isNaN(r.number("final_test_accuracy"))) {
            sb.append("  test acc ").append(Numbers.fixed(r.number("final_test_accuracy"), 4));
        }
        if (!Double.isNaN(r.number("grad_ratio_first_last"))) {
            sb.append("  grad ratio ").append(Numbers.sci(r.number("grad_ratio_first_last")));
        }
        if (!Double.isNaN(r.number("seconds"))) {
            sb.append("  ").append(Numbers.fixed(r.number("seconds"), 1)).append(" s");
        }
        if (r.error() != null) {
            String error = r.error().replace('\n', ' ');
            sb.append("  ").append(error.length() > 160 ? error.substring(0, 157) + "..." : error);
        }
        return sb.toString();
    }

    /** Draws the bar on the last line; {@link #erase} clears it so that a trial's line can take its place. */
    private static final class BarConsumer extends ConsoleProgressBarConsumer {
        private final Console console;
        private int drawn;

        BarConsumer(Console console) {
            super(console.out());
            this.console = console;
        }

        @Override
        public synchronized void accept(String rendered) {
            drawn = Math.max(drawn, rendered.length());
            super.accept(rendered);
        }

        synchronized void erase() {
            console.out().print("\r" + " ".repeat(Math.max(1, drawn)) + "\r");
        }
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
