package io.gradlab.engine.spec;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.ParamsValidator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers shared by the reader, the binder and the overrides: key spelling, paths and value descriptions. */
final class Values {
    private static final int MAX_SHOWN = 60;

    private Values() {}

    /** {@code batch_size} and {@code batch-size} are the same key. */
    static String normalizeKey(String key) {
        return ParamsValidator.normalizeKey(key);
    }

    /** {@code parent.key}, or {@code key} at the top. */
    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** {@code parent[index]}. */
    static String element(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** How a value looks in a message: {@code "ten"}, {@code 1.5}, {@code true}, {@code a list}, {@code a mapping}. */
    static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof String s) {
            String shown = s.length() > MAX_SHOWN ? s.substring(0, MAX_SHOWN) + "..." : s;
            return "\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
        }
        if (value instanceof List<?> list) {
            return list.isEmpty() ? "an empty list" : "a list";
        }
        if (value instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (value instanceof ComponentSpec) {
            return "a component";
        }
        return String.valueOf(value);
    }

    /** "a dataset", "an optimizer": the label with its indefinite article. */
    static String withArticle(String label) {
        return ("aeiou".indexOf(label.charAt(0)) >= 0 ? "an " : "a ") + label;
    }

    /** A deep, unmodifiable copy of a plain tree (maps keep their order; nulls are kept). */
    static Object freeze(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), freeze(v)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(freeze(v)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
