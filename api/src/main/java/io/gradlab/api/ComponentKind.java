package io.gradlab.api;

import java.util.Locale;

/** The kinds of pluggable component. Each kind has its own factory SPI. */
public enum ComponentKind {
    ACTIVATION,
    INITIALIZER,
    NORMALIZER,
    OPTIMIZER,
    ARCHITECTURE,
    DIAGNOSTIC,
    LAYER,
    LOSS,
    GRADIENT_TRANSFORM,
    DATASET,
    TRAINING_STRATEGY;

    /** The spelling used in specs and on the command line: {@code gradient-transform}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The plural label for headings and messages: {@code activations}, {@code losses}, {@code training-strategies}. */
    public String plural() {
        String label = label();
        if (label.endsWith("s")) {
            return label + "es";
        }
        if (label.endsWith("y")) {
            return label.substring(0, label.length() - 1) + "ies";
        }
        return label + "s";
    }

    /** Parses a label such as {@code gradient-transform} (case-insensitive, '-' or '_'). */
    public static ComponentKind fromLabel(String label) {
        String normalized = label.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (ComponentKind kind : values()) {
            if (kind.name().equals(normalized) || (kind.name() + "S").equals(normalized)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown component kind '" + label + "'");
    }
}
