package io.gradlab.api;

import io.gradlab.api.GradlabException.Category;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks raw spec values against a factory's declared parameters and fills in defaults. Unknown
 * keys are rejected with the list of valid ones; a bad value names the component, the parameter,
 * the value and the allowed range. A {@link ParamType#COMPONENT} value is checked for shape only
 * (a string id or a map with {@code id}); the host validates the nested component itself.
 */
public final class ParamsValidator {
    private ParamsValidator() {}

    /**
     * @param where where the values came from, for messages ({@code model.architecture.activation})
     */
    public static Params validate(ComponentFactory<?> factory, Map<String, Object> raw, String where) {
        String owner = factory.kind().label() + " '" + factory.id() + "'" + (where == null || where.isEmpty() ? "" : " at " + where);
        Map<String, ParameterSpec> declared = new LinkedHashMap<>();
        for (ParameterSpec p : factory.parameters()) {
            declared.put(p.name(), p);
        }
        for (String key : raw.keySet()) {
            String normalized = normalizeKey(key);
            if (!declared.containsKey(normalized)) {
                String valid = declared.isEmpty() ? "it takes no parameters" : "valid parameters: " + String.join(", ", declared.keySet());
                throw new GradlabException(Category.COMPONENT, owner + ": unknown parameter '" + key + "'"
                        + Suggestions.didYouMean(normalized, declared.keySet()) + "; " + valid);
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ParameterSpec p : declared.values()) {
            Object value = null;
            for (Map.Entry<String, Object> e : raw.entrySet()) {
                if (normalizeKey(e.getKey()).equals(p.name())) {
                    value = e.getValue();
                }
            }
            if (value == null) {
                if (p.isRequired()) {
                    throw new GradlabException(Category.COMPONENT, owner + ": parameter '" + p.name() + "' is required ("
                            + p.description() + "; " + p.allowedValues() + ")");
                }
                values.put(p.name(), p.defaultValue());
            } else {
                values.put(p.name(), coerce(owner, p, value));
            }
        }
        return new Params(factory.id(), values);
    }

    /** Spec keys may use '_' or '-': {@code batch_size} and {@code batch-size} are the same key. */
    public static String normalizeKey(String key) {
        return key.trim().replace('_', '-');
    }

    private static Object coerce(String owner, ParameterSpec p, Object value) {
        String bad = owner + ": parameter '" + p.name() + "' = " + render(value) + " is invalid; allowed: " + p.allowedValues()
                + " (" + p.description() + ")";
        switch (p.type()) {
            case DOUBLE -> {
                double v = toDouble(value, bad);
                checkRange(p, v, bad);
                return v;
            }
            case INT -> {
                double v = toDouble(value, bad);
                if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
                    throw new GradlabException(Category.COMPONENT, bad + ": not a whole number");
                }
                checkRange(p, v, bad);
                return (int) v;
            }
            case BOOLEAN -> {
                if (value instanceof Boolean b) {
                    return b;
                }
                if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                    return Boolean.parseBoolean(s);
                }
                throw new GradlabException(Category.COMPONENT, bad);
            }
            case STRING -> {
                if (value instanceof Map || value instanceof List) {
                    throw new GradlabException(Category.COMPONENT, bad);
                }
                return String.valueOf(value);
            }
            case CHOICE -> {
                String s = String.valueOf(value);
                if (!p.choices().contains(s)) {
                    throw new GradlabException(Category.COMPONENT, bad + Suggestions.didYouMean(s, p.choices()));
                }
                return s;
            }
            case INT_LIST -> {
                if (!(value instanceof List<?> list)) {
                    throw new GradlabException(Category.COMPONENT, bad + ": expected a list such as [128, 128]");
                }
                List<Integer> out = new ArrayList<>();
                for (Object o : list) {
                    double v = toDouble(o, bad);
                    if (v != Math.rint(v)) {
                        throw new GradlabException(Category.COMPONENT, bad + ": " + o + " is not a whole number");
                    }
                    checkRange(p, v, bad);
                    out.add((int) v);
                }
                return List.copyOf(out);
            }
            case INT_LISTS -> {
                if (!(value instanceof List<?> outer)) {
                    throw new GradlabException(Category.COMPONENT, bad + ": expected a list of lists such as [[1, 3], [4, 7]]");
                }
                List<List<Integer>> out = new ArrayList<>();
                for (Object o : outer) {
                    if (!(o instanceof List<?> inner)) {
                        throw new GradlabException(Category.COMPONENT, bad + ": element " + render(o)
                                + " is not a list; expected a list of lists such as [[1, 3], [4, 7]]");
                    }
                    List<Integer> ints = new ArrayList<>();
                    for (Object e : inner) {
                        double v = toDouble(e, bad);
                        if (v != Math.rint(v)) {
                            throw new GradlabException(Category.COMPONENT, bad + ": " + e + " is not a whole number");
                        }
                        checkRange(p, v, bad);
                        ints.add((int) v);
                    }
                    out.add(List.copyOf(ints));
                }
                return List.copyOf(out);
            }
            case COMPONENT -> {
                return toComponentSpec(value, bad);
            }
            default -> throw new IllegalStateException("unhandled type " + p.type());
        }
    }

    /** Reads {@code relu} or {@code {id: leaky-relu, negative-slope: 0.1}} as a {@link ComponentSpec}. */
    public static ComponentSpec toComponentSpec(Object value, String context) {
        if (value instanceof ComponentSpec cs) {
            return cs;
        }
        try {
            if (value instanceof String s) {
                return ComponentSpec.of(s.trim());
            }
            if (value instanceof Map<?, ?> map) {
                Object id = map.get("id");
                if (id == null) {
                    throw new GradlabException(Category.SPEC, context + ": a component needs an 'id' (got keys " + map.keySet() + ")");
                }
                Map<String, Object> params = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!"id".equals(e.getKey())) {
                        params.put(String.valueOf(e.getKey()), e.getValue());
                    }
                }
                return ComponentSpec.of(String.valueOf(id).trim(), params);
            }
        } catch (IllegalArgumentException e) {
            throw new GradlabException(Category.SPEC, context + ": " + e.getMessage(), e);
        }
        throw new GradlabException(Category.SPEC, context + ": expected a component id or {id: ..., <params>}");
    }

    private static double toDouble(Object value, String bad) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new GradlabException(Category.COMPONENT, bad + ": not a number");
            }
        }
        throw new GradlabException(Category.COMPONENT, bad + ": not a number");
    }

    private static void checkRange(ParameterSpec p, double v, String bad) {
        if (Double.isNaN(v) || v < p.min() || v > p.max() || (p.minExclusive() && v == p.min())) {
            throw new GradlabException(Category.COMPONENT, bad);
        }
    }

    private static String render(Object value) {
        if (value instanceof List<?> l) {
            return l.stream().map(ParamsValidator::render).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(value);
    }
}
