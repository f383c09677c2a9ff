package io.gradlab.cli;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.ParamType;
import io.gradlab.api.ParameterSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How a declared parameter is shown: its type label, its default, and the whole one-line form. */
final class ParameterText {
    private ParameterText() {}

    static String type(ParameterSpec p) {
        return p.type() == ParamType.COMPONENT ? p.componentKind().label() : p.type().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The default as text: {@code 0.01}, {@code sigmoid}, {@code [128, 128]}; {@code null} when there is none. */
    static String defaultText(ParameterSpec p) {
        Object value = p.defaultValue();
        return value == null ? null : String.valueOf(value);
    }

    /** The default as a JSON-friendly value (component defaults as {@code {id: ..., params...}} or the bare id). */
    static Object defaultJson(ParameterSpec p) {
        Object value = p.defaultValue();
        if (value instanceof ComponentSpec spec) {
            if (spec.params().isEmpty()) {
                return spec.id().value();
            }
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("id", spec.id().value());
            map.putAll(spec.params());
            return map;
        }
        if (value instanceof Double d && !Double.isFinite(d)) {
            return String.valueOf(d);
        }
        if (value instanceof List<?> list) {
            return List.copyOf(list);
        }
        return value;
    }

    /** {@code lr: double = 0.01, (0, inf] - the learning rate}; {@code required} when there is no default. */
    static String line(ParameterSpec p) {
        String def = defaultText(p);
        String value = def != null ? " = " + def : p.isRequired() ? " (required)" : " (optional)";
        String allowed = p.type() == ParamType.STRING || p.type() == ParamType.BOOLEAN || p.type() == ParamType.INT_LIST
                || p.type() == ParamType.COMPONENT || p.allowedValues().startsWith("any ")
                ? "" : ", " + p.allowedValues();
        return p.name() + ": " + type(p) + value + allowed + " - " + p.description();
    }
}
