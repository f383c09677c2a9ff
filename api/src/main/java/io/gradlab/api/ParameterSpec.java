package io.gradlab.api;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A declared parameter of a component: name, type, default, allowed range and description.
 * Declared once, so that the host can list, validate and document a component without building it
 * (in the manner of Trino's {@code PropertyMetadata}).
 *
 * @param name          the key used in specs ({@code lr}, {@code negative-slope})
 * @param type          the value type
 * @param defaultValue  the default, or {@code null} when the parameter is required (or optional with no default
 *                      when {@code optional} is set)
 * @param min           the inclusive lower bound for numbers ({@code -Infinity} for none)
 * @param max           the inclusive upper bound for numbers ({@code +Infinity} for none)
 * @param minExclusive  whether {@code min} itself is excluded
 * @param choices       the allowed values of a {@link ParamType#CHOICE}
 * @param componentKind the kind of a {@link ParamType#COMPONENT} parameter
 * @param optional      whether a missing value with no default is allowed ({@link Params#has} tells)
 * @param description   one line for humans
 */
public record ParameterSpec(
        String name,
        ParamType type,
        Object defaultValue,
        double min,
        double max,
        boolean minExclusive,
        List<String> choices,
        ComponentKind<?> componentKind,
        boolean optional,
        String description) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]*");

    public ParameterSpec {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(description, "description is null");
        choices = choices == null ? List.of() : List.copyOf(choices);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid parameter name '" + name + "': use lower-case letters, digits and dashes");
        }
        if (min > max) {
            throw new IllegalArgumentException("parameter '" + name + "': min " + min + " > max " + max);
        }
        if (type == ParamType.CHOICE && choices.isEmpty()) {
            throw new IllegalArgumentException("parameter '" + name + "': a CHOICE needs choices");
        }
        if (type == ParamType.COMPONENT && componentKind == null) {
            throw new IllegalArgumentException("parameter '" + name + "': a COMPONENT needs a component kind");
        }
    }

    /** A real-valued parameter with a default and no bounds; narrow it with {@link #range}. */
    public static ParameterSpec real(String name, double defaultValue, String description) {
        return new ParameterSpec(name, ParamType.DOUBLE, defaultValue, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                false, List.of(), null, false, description);
    }

    /** A whole-number parameter with a default and no bounds; narrow it with {@link #range}. */
    public static ParameterSpec integer(String name, int defaultValue, String description) {
        return new ParameterSpec(name, ParamType.INT, defaultValue, Integer.MIN_VALUE, Integer.MAX_VALUE,
                false, List.of(), null, false, description);
    }

    public static ParameterSpec bool(String name, boolean defaultValue, String description) {
        return new ParameterSpec(name, ParamType.BOOLEAN, defaultValue, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                false, List.of(), null, false, description);
    }

    public static ParameterSpec string(String name, String defaultValue, String description) {
        return new ParameterSpec(name, ParamType.STRING, defaultValue, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                false, List.of(), null, defaultValue == null, description);
    }

    public static ParameterSpec choice(String name, String defaultValue, List<String> choices, String description) {
        return new ParameterSpec(name, ParamType.CHOICE, defaultValue, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                false, choices, null, false, description);
    }

    public static ParameterSpec intList(String name, List<Integer> defaultValue, String description) {
        return new ParameterSpec(name, ParamType.INT_LIST, defaultValue == null ? null : List.copyOf(defaultValue),
                Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false, List.of(), null, defaultValue == null, description);
    }

    /** A list of integer lists such as {@code [[1, 3], [4, 7]]}; {@code defaultValue} may be {@code null} (optional). */
    public static ParameterSpec intLists(String name, List<List<Integer>> defaultValue, String description) {
        return new ParameterSpec(name, ParamType.INT_LISTS, defaultValue == null ? null : defaultValue.stream().map(List::copyOf).toList(),
                Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false, List.of(), null, defaultValue == null, description);
    }

    /** A nested component such as an activation inside an architecture; {@code defaultId} may be {@code null} (optional). */
    public static ParameterSpec component(String name, ComponentKind<?> kind, String defaultId, String description) {
        return new ParameterSpec(name, ParamType.COMPONENT, defaultId == null ? null : ComponentSpec.of(defaultId),
                Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false, List.of(), kind, defaultId == null, description);
    }

    /** This parameter with the inclusive range {@code [min, max]}. */
    public ParameterSpec range(double min, double max) {
        return new ParameterSpec(name, type, defaultValue, min, max, false, choices, componentKind, optional, description);
    }

    /** This parameter with the range {@code (min, max]}: strictly positive learning rates and the like. */
    public ParameterSpec rangeExclusiveMin(double min, double max) {
        return new ParameterSpec(name, type, defaultValue, min, max, true, choices, componentKind, optional, description);
    }

    /** This parameter, required in specs (no default). */
    public ParameterSpec required() {
        return new ParameterSpec(name, type, null, min, max, minExclusive, choices, componentKind, false, description);
    }

    /** This parameter, optional with no default. */
    public ParameterSpec optionalParam() {
        return new ParameterSpec(name, type, null, min, max, minExclusive, choices, componentKind, true, description);
    }

    public boolean isRequired() {
        return defaultValue == null && !optional;
    }

    /** A human description of the allowed values: {@code (0, 10]}, {@code one of [a, b]}. */
    public String allowedValues() {
        return switch (type) {
            case DOUBLE, INT -> {
                boolean lowOpen = Double.isInfinite(min) || (type == ParamType.INT && min <= Integer.MIN_VALUE);
                boolean highOpen = Double.isInfinite(max) || (type == ParamType.INT && max >= Integer.MAX_VALUE);
                if (lowOpen && highOpen) {
                    yield "any " + (type == ParamType.INT ? "integer" : "number");
                }
                yield (minExclusive ? "(" : "[") + (lowOpen ? "-inf" : format(min)) + ", "
                        + (highOpen ? "inf" : format(max)) + "]";
            }
            case BOOLEAN -> "true or false";
            case STRING -> "text";
            case CHOICE -> "one of " + choices;
            case INT_LIST -> "a list of integers";
            case INT_LISTS -> "a list of integer lists such as [[1, 3], [4, 7]]" + elementRange();
            case COMPONENT -> "a " + componentKind.label() + " id or {id: ..., <params>}";
        };
    }

    private String elementRange() {
        boolean lowOpen = Double.isInfinite(min) || min <= Integer.MIN_VALUE;
        boolean highOpen = Double.isInfinite(max) || max >= Integer.MAX_VALUE;
        if (lowOpen && highOpen) {
            return "";
        }
        return ", each in " + (minExclusive ? "(" : "[") + (lowOpen ? "-inf" : format(min)) + ", " + (highOpen ? "inf" : format(max)) + "]";
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
