package io.gradlab.api.diag;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A diagnosis in plain words: what is wrong ({@code message}), where ({@code layer}, may be
 * {@code null}), the evidence (numbers), and the remedies that address it.
 *
 * @param code     a stable id of the problem ({@code vanishing-gradient}, {@code dead-units})
 */
public record Finding(Severity severity, String code, String message, String layer, Map<String, Object> evidence,
                      List<String> remedies) {
    public Finding {
        requireNonNull(severity, "severity is null");
        requireNonNull(code, "code is null");
        requireNonNull(message, "message is null");
        evidence = Map.copyOf(requireNonNull(evidence, "evidence is null"));
        remedies = List.copyOf(requireNonNull(remedies, "remedies is null"));
    }
}
