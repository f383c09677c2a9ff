package io.gradlab.engine.registry;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Names the plugin code behind a failure from its stack trace: the innermost frame of a class that a
 * plugin jar's loader defined ({@code gradlab-plugin:<jar>}), else the innermost frame outside
 * gradlab's host packages and the JDK (a plugin on the classpath). Used by the plugin boundary to
 * report an {@code Error} or a hang in one line that says where it came from.
 */
public final class PluginFailures {
    private static final String JAR_LOADER_PREFIX = "gradlab-plugin:";
    private static final String[] HOST_PREFIXES = {"java.", "javax.", "jdk.", "sun.", "com.sun.", "io.gradlab.engine.",
        "io.gradlab.cli.", "io.gradlab.api.", "picocli.", "com.google.", "org.slf4j.", "ch.qos.", "com.fasterxml.",
        "dev.ludovic.", "org.junit.", "org.apache.maven.", "jakarta."};

    private PluginFailures() {}

    /** The plugin frame of {@code t} (or of its causes) as {@code Class.method (plugin jar x.jar)}, or empty. */
    public static Optional<String> culprit(Throwable t) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable c = t; c != null && seen.put(c, Boolean.TRUE) == null; c = c.getCause()) {
            Optional<String> found = culprit(c.getStackTrace());
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** The plugin frame of a stack (innermost first), or empty when it holds only host code. */
    public static Optional<String> culprit(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            String loader = frame.getClassLoaderName();
            if (loader != null && loader.startsWith(JAR_LOADER_PREFIX)) {
                return Optional.of(frame.getClassName() + "." + frame.getMethodName() + " (plugin jar "
                        + loader.substring(JAR_LOADER_PREFIX.length()) + ")");
            }
        }
        for (StackTraceElement frame : stack) {
            if (!isHost(frame.getClassName())) {
                return Optional.of(frame.getClassName() + "." + frame.getMethodName());
            }
        }
        return Optional.empty();
    }

    /** {@code t} in one line: its class, its message and the plugin frame when there is one. */
    public static String describe(Throwable t) {
        String message = t.getMessage() == null || t.getMessage().isBlank() ? "" : ": " + t.getMessage();
        return t.getClass().getName() + message + culprit(t).map(c -> " in " + c).orElse("");
    }

    private static boolean isHost(String className) {
        for (String prefix : HOST_PREFIXES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
