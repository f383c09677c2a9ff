package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;

/**
 * Draws a progress bar on one line of stdout and erases that line when the bar closes, so that the
 * next line printed takes its place: shared by {@link RunProgress} and {@link ProbeProgress}.
 */
final class TransientBarConsumer extends ConsoleProgressBarConsumer {
    private final Console console;
    private int drawn;

    TransientBarConsumer(Console console) {
        super(requireNonNull(console, "console is null").out());
        this.console = console;
    }

    @Override
    public void accept(String rendered) {
        drawn = Math.max(drawn, rendered.length());
        super.accept(rendered);
    }

    @Override
    public void close() {
        console.out().print("\r" + " ".repeat(Math.max(1, Math.min(drawn, getMaxRenderedLength()))) + "\r");
        console.out().flush();
    }
}
