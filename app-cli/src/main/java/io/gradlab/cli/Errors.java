package io.gradlab.cli;

import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import com.google.inject.spi.Message;
import io.gradlab.api.GradlabException;
import io.gradlab.engine.io.Messages;
import io.gradlab.engine.registry.PluginFailures;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/** Turns exceptions into what the user sees: one line on stderr and an exit code. */
final class Errors {
    /** The exit code of a bug (sysexits' EX_SOFTWARE). */
    static final int INTERNAL = GradlabException.Category.INTERNAL.exitCode();

    private Errors() {}

    /**
     * The {@link GradlabException} behind Guice's wrapping exceptions, or the Guice exception itself
     * (as an unchecked exception) when there is none.
     */
    static RuntimeException unwrap(RuntimeException e) {
        GradlabException user = findUserError(e);
        return user != null ? user : e;
    }

    /** The first {@link GradlabException} in {@code t}'s causes (Guice error messages included), or {@code null}. */
    static GradlabException findUserError(Throwable t) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Throwable current = t;
        while (current != null && seen.put(current, Boolean.TRUE) == null) {
            if (current instanceof GradlabException g) {
                return g;
            }
            for (Message message : guiceMessages(current)) {
                if (message.getCause() != null) {
                    GradlabException inner = findUserError(message.getCause());
                    if (inner != null) {
                        return inner;
                    }
                }
            }
            current = current.getCause();
        }
        return null;
    }

    private static Collection<Message> guiceMessages(Throwable t) {
        if (t instanceof ProvisionException p) {
            return p.getErrorMessages();
        }
        if (t instanceof CreationException c) {
            return c.getErrorMessages();
        }
        if (t instanceof ConfigurationException c) {
            return c.getErrorMessages();
        }
        return java.util.List.of();
    }

    /** Prints {@code t} for the user and returns the exit code. */
    static int report(Throwable t, Console console) {
        GradlabException user = findUserError(t);
        if (user != null) {
            console.err().println("gradlab: " + printable(user.getMessage()));
            if (console.verbose()) {
                t.printStackTrace(console.err());
            }
            console.err().flush();
            return user.category().exitCode();
        }
        Optional<String> plugin = PluginFailures.culprit(t);
        if (plugin.isPresent()) {
            console.err().println("gradlab: plugin code failed: " + printable(PluginFailures.describe(t))
                    + ": a bug in that plugin; fix it or remove it from the plugins folder");
            if (console.verbose()) {
                t.printStackTrace(console.err());
            }
            console.err().flush();
            return GradlabException.Category.PLUGIN.exitCode();
        }
        String message = printable(t.getMessage() == null || t.getMessage().isBlank()
                ? t.getClass().getName()
                : t.getMessage() + " (" + t.getClass().getName() + ")");
        if (console.verbose()) {
            console.err().println("gradlab: internal error: " + message);
            t.printStackTrace(console.err());
        } else {
            console.err().println("gradlab: internal error: " + message + " (run with --verbose for the stack trace)");
        }
        console.err().flush();
        return INTERNAL;
    }

    /**
     * {@code message} with control characters escaped; it stays on one line, except for the
     * {@code "\n  - "} items of a list of problems (strict plugin loading).
     */
    static String printable(String message) {
        String[] items = String.valueOf(message).split("\\R  - ", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < items.length; i++) {
            if (i > 0) {
                sb.append(System.lineSeparator()).append("  - ");
            }
            sb.append(Messages.escape(items[i]));
        }
        return sb.toString();
    }

    /**
     * A step that never returned (the watchdog's timeout passed): one line naming what was running,
     * the code it hangs in (from {@code stack}, the command thread's stack) and what to do.
     */
    static int hang(Watchdog.Expired expired, StackTraceElement[] stack, Console console) {
        Optional<String> plugin = PluginFailures.culprit(stack);
        String where = plugin.orElseGet(() -> stack.length == 0 ? "an unknown place"
                : stack[0].getClassName() + "." + stack[0].getMethodName());
        String folder = expired.runDir() == null ? "" : "; the run folder " + expired.runDir() + " keeps its last checkpoint"
                + " (gradlab run --resume " + expired.runDir() + " continues it)";
        console.err().println("gradlab: the " + printable(expired.activity()) + " did not finish within " + expired.seconds()
                + " s (training.step-timeout): it hangs in " + printable(where) + folder
                + (plugin.isPresent() ? "; fix or remove that plugin" : "") + ", or raise training.step-timeout if the step is just slow");
        console.err().flush();
        return plugin.isPresent() ? GradlabException.Category.PLUGIN.exitCode() : INTERNAL;
    }

    /**
     * The Java heap ran out (a spec asking for huge layers or data): one line with the heap size and
     * the options, never a stack trace unless {@code --verbose}.
     */
    static int outOfMemory(OutOfMemoryError e, Console console) {
        long heapMb = Runtime.getRuntime().maxMemory() / (1024 * 1024);
        console.err().println("gradlab: out of memory (" + e.getMessage() + ", a Java heap of " + heapMb + " MB): the model or the data"
                + " is too large for it; use smaller layers or less data, or give Java more memory (JAVA_OPTS=-Xmx8g bin/gradlab ...)");
        if (console.verbose()) {
            e.printStackTrace(console.err());
        }
        console.err().flush();
        return INTERNAL;
    }
}
