package io.gradlab.engine.registry;

import java.lang.reflect.InvocationTargetException;
import java.util.ServiceConfigurationError;

/** Helpers for calls into plugin code: which failures to survive, and how to describe them in one line. */
final class Failures {
    private Failures() {}

    /**
     * Rethrows what no host should swallow (out of memory, internal VM errors); everything else a
     * plugin throws, including {@link LinkageError}s and {@link StackOverflowError}, is reportable.
     */
    static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError vme && !(t instanceof StackOverflowError)) {
            throw vme;
        }
    }

    /** {@code IllegalStateException: boom}, looking through reflection and service-loader wrappers. */
    static String describe(Throwable t) {
        Throwable root = unwrap(t);
        boolean initializer = false;
        for (Throwable c = t; c != root && c != null; c = c.getCause()) {
            initializer |= c instanceof ExceptionInInitializerError;
        }
        String prefix = initializer ? "its static initializer threw " : "";
        String message = root.getMessage();
        return prefix + root.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while ((current instanceof InvocationTargetException
                        || current instanceof ExceptionInInitializerError
                        || current instanceof ServiceConfigurationError)
                && current.getCause() != null
                && current.getCause() != current) {
            current = current.getCause();
        }
        return current;
    }
}
