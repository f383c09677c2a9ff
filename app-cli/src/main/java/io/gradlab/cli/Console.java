package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;

/**
 * Where a command writes: {@code out} for results, {@code err} for warnings and errors.
 *
 * @param interactive whether {@code out} is a terminal (progress bars); {@code false} in CI, pipes and tests
 * @param verbose     whether {@code --verbose} was given (stack traces, DEBUG logging)
 */
public record Console(PrintStream out, PrintStream err, boolean interactive, boolean verbose) {
    public Console {
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
    }

    /** Prints {@code gradlab: warning: <message>} on {@code err}, control characters escaped. */
    public void warn(String message) {
        err.println("gradlab: warning: " + Errors.printable(message));
        err.flush();
    }
}
