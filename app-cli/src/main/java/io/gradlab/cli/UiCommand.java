package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.cli.ui.UiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gradlab ui [RUNS_DIR]}: the read-only web page over a runs folder, until Ctrl-C. */
@Command(name = "ui",
        header = "Serve a live, read-only web page of the runs in a folder on 127.0.0.1.",
        description = {"Serve a read-only web page of the run folders in RUNS_DIR on 127.0.0.1 until Ctrl-C: the runs",
                "(new ones appear), and for the ones ticked, updating live as they train: loss and accuracy, per-layer",
                "weight-gradient norms (log scale), the layer x epoch gradient heatmap, update ratios, dead and saturated",
                "fractions, the findings with their remedies, and the settings that differ between them."})
final class UiCommand implements Callable<Integer> {
    static final int DEFAULT_PORT = 7860;

    private final Host host;

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUNS_DIR", defaultValue = "runs",
            description = "The folder of run folders (default: ${DEFAULT-VALUE}).")
    Path runsDir;

    @Option(names = "--port", paramLabel = "N", defaultValue = "" + DEFAULT_PORT,
            description = "The port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    UiCommand(Host host) {
        this.host = requireNonNull(host, "host is null");
    }

    @Override
    public Integer call() throws InterruptedException {
        if (!Files.isDirectory(runsDir)) {
            throw new GradlabException(GradlabException.Category.USAGE, runsDir + " is not a folder: give the folder gradlab run"
                    + " writes run folders into (default runs/)");
        }
        try (UiServer ui = start(runsDir, port)) {
            host.console().out().println("gradlab ui: " + ui.uri() + " (runs in " + runsDir.toAbsolutePath().normalize()
                    + "; Ctrl-C stops it)");
            host.console().out().flush();
            new CountDownLatch(1).await();
        }
        return 0;
    }

    /** Starts the server, as a one-line error when the port is taken. */
    static UiServer start(Path runsDir, int port) {
        if (port < 0 || port > 65535) {
            throw new GradlabException(GradlabException.Category.USAGE, "--port " + port + " is not a port: use 1-65535, or 0 for any free one");
        }
        try {
            return UiServer.start(runsDir, port);
        } catch (IOException e) {
            throw new GradlabException(GradlabException.Category.IO, "cannot serve on 127.0.0.1:" + port + ": " + e.getMessage()
                    + " (another program uses the port? try --port 0)", e);
        }
    }
}
