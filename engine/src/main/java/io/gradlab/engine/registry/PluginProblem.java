package io.gradlab.engine.registry;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.diag.Severity;

/**
 * Something wrong with a plugin that the host reported and worked around (a jar skipped, a duplicate
 * ignored). In strict mode the host fails instead.
 *
 * @param severity how bad: {@link Severity#CRITICAL} when something installed is unusable or ambiguous
 * @param source   the plugin or jar at fault, or {@code null} when the problem is not about one source
 * @param message  one line naming the component or jar, what went wrong and the fix
 */
public record PluginProblem(Severity severity, PluginSource source, String message) {
    public PluginProblem {
        requireNonNull(severity, "severity is null");
        requireNonNull(message, "message is null");
    }

    @Override
    public String toString() {
        return severity + ": " + message;
    }
}
