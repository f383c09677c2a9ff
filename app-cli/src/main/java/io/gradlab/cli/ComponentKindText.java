package io.gradlab.cli;

import io.gradlab.api.ComponentKind;

/** Kind labels for headings: {@code activations}, {@code losses}, {@code training-strategies}. */
final class ComponentKindText {
    private ComponentKindText() {}

    static String plural(ComponentKind kind) {
        String label = kind.label();
        if (label.endsWith("s")) {
            return label + "es";
        }
        if (label.endsWith("y")) {
            return label.substring(0, label.length() - 1) + "ies";
        }
        return label + "s";
    }
}
