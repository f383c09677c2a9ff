package io.gradlab.engine.registry;

import io.gradlab.api.diag.Severity;
import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one load, in the order found. Not thread-safe: one per load. */
final class Problems {
    private final List<PluginProblem> problems = new ArrayList<>();

    void critical(PluginSource source, String message) {
        problems.add(new PluginProblem(Severity.CRITICAL, source, message));
    }

    void warning(PluginSource source, String message) {
        problems.add(new PluginProblem(Severity.WARNING, source, message));
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    List<PluginProblem> all() {
        return List.copyOf(problems);
    }

    /** All messages, one per line, indented, for an exception. */
    String joined() {
        StringBuilder text = new StringBuilder();
        for (PluginProblem problem : problems) {
            text.append(System.lineSeparator()).append("  - ").append(problem.message());
        }
        return text.toString();
    }
}
