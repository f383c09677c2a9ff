package io.gradlab.cli;

import io.gradlab.engine.registry.PluginFailures;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;

/**
 * Notices an exit gradlab did not ask for: plugin code calling {@code System.exit(0)} in the middle
 * of a run, a doctor's probe or a gradient check must not look like a success. A shutdown hook finds
 * the thread inside {@code Runtime.exit}, names the code that called it, and ends the process with
 * the internal-error code instead. Exits by signal (Ctrl-C, SIGTERM) are left as they are.
 */
final class ExitGuard {
    private final PrintStream err;
    private volatile boolean requested;

    private ExitGuard(PrintStream err) {
        this.err = err;
    }

    static ExitGuard install(PrintStream err) {
        ExitGuard guard = new ExitGuard(err);
        Runtime.getRuntime().addShutdownHook(new Thread(guard::onShutdown, "gradlab-exit-guard"));
        return guard;
    }

    /** The exit gradlab asks for: {@code code} stands. */
    void exit(int code) {
        requested = true;
        System.exit(code);
    }

    private void onShutdown() {
        if (requested) {
            return;
        }
        Optional<String> caller = exitCaller();
        if (caller.isEmpty()) {
            return; // a signal, not a call of System.exit
        }
        err.println("gradlab: " + Errors.printable(caller.get()) + " called System.exit while gradlab was working: the command did not"
                + " finish and its result is unknown; fix or remove the plugin that holds this code");
        err.flush();
        Runtime.getRuntime().halt(Errors.INTERNAL);
    }

    /** The code that called {@code System.exit} or {@code Runtime.exit}, when a thread is inside it. */
    private static Optional<String> exitCaller() {
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            StackTraceElement[] stack = e.getValue();
            for (int i = 0; i < stack.length; i++) {
                if (stack[i].getClassName().equals("java.lang.Runtime") && stack[i].getMethodName().equals("exit")) {
                    int first = i + 1;
                    while (first < stack.length && stack[first].getClassName().equals("java.lang.System")) {
                        first++;
                    }
                    StackTraceElement[] rest = java.util.Arrays.copyOfRange(stack, first, stack.length);
                    return Optional.of(PluginFailures.culprit(rest).orElse(rest.length == 0 ? "unknown code"
                            : rest[0].getClassName() + "." + rest[0].getMethodName()));
                }
            }
        }
        return Optional.empty();
    }
}
