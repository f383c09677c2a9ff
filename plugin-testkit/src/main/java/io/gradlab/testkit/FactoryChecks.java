package io.gradlab.testkit;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentId;
import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.ParamType;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.ParamsValidator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks every component factory must pass, as plain methods returning problems (no JUnit):
 * {@link FactoryContract} asserts that each list is empty, and the CLI can list them for installed
 * plugins. Each problem is one sentence naming the component.
 */
public final class FactoryChecks {
    private FactoryChecks() {}

    /** Every problem found by the checks below. */
    public static List<String> all(ComponentFactory<?> factory, Map<String, ?> validParams) {
        List<String> problems = new ArrayList<>();
        problems.addAll(metadata(factory));
        problems.addAll(declaredParameters(factory));
        problems.addAll(defaultsValidate(factory));
        problems.addAll(outOfRangeRejected(factory, validParams));
        problems.addAll(unknownParameterRejected(factory, validParams));
        return problems;
    }

    /** A valid id, a kind, and a non-empty one-line description. */
    public static List<String> metadata(ComponentFactory<?> factory) {
        requireNonNull(factory, "factory is null");
        List<String> problems = new ArrayList<>();
        ComponentId id = factory.id();
        String name = id == null ? factory.getClass().getName() : id.value();
        if (id == null) {
            problems.add(name + ": id() returned null");
        } else if (!id.value().matches("[a-z][a-z0-9-]*")) {
            problems.add(name + ": id '" + id.value() + "' is not lower-case letters, digits and dashes");
        }
        if (factory.kind() == null) {
            problems.add(name + ": kind() returned null");
        }
        String description = factory.description();
        if (description == null || description.isBlank()) {
            problems.add(name + ": the description is empty; give one line for 'gradlab plugins'");
        } else if (description.contains("\n")) {
            problems.add(name + ": the description spans several lines; keep it to one");
        }
        if (factory.parameters() == null) {
            problems.add(name + ": parameters() returned null; return List.of() when there are none");
        }
        if (factory.version() == null || factory.version().isBlank()) {
            problems.add(name + ": version() is empty");
        }
        return problems;
    }

    /** Unique names, and every default of the declared type inside its range or choices. */
    public static List<String> declaredParameters(ComponentFactory<?> factory) {
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (ParameterSpec p : factory.parameters()) {
            String where = factory.id() + ": parameter '" + p.name() + "'";
            if (!names.add(p.name())) {
                problems.add(where + " is declared twice");
            }
            if (p.description().isBlank()) {
                problems.add(where + " has no description");
            }
            Object d = p.defaultValue();
            if (d == null) {
                continue;
            }
            switch (p.type()) {
                case DOUBLE, INT -> {
                    if (!(d instanceof Number n)) {
                        problems.add(where + ": default " + d + " is not a number");
                    } else if (!inRange(p, n.doubleValue())) {
                        problems.add(where + ": default " + d + " is outside the allowed values " + p.allowedValues());
                    } else if (p.type() == ParamType.INT && n.doubleValue() != Math.rint(n.doubleValue())) {
                        problems.add(where + ": default " + d + " is not a whole number");
                    }
                }
                case BOOLEAN -> {
                    if (!(d instanceof Boolean)) {
                        problems.add(where + ": default " + d + " is not a boolean");
                    }
                }
                case STRING -> {
                    if (!(d instanceof String)) {
                        problems.add(where + ": default " + d + " is not a string");
                    }
                }
                case CHOICE -> {
                    if (!p.choices().contains(String.valueOf(d))) {
                        problems.add(where + ": default '" + d + "' is not one of " + p.choices());
                    }
                }
                case INT_LIST -> {
                    if (!(d instanceof List<?> list)) {
                        problems.add(where + ": default " + d + " is not a list");
                    } else {
                        for (Object o : list) {
                            if (!(o instanceof Integer i) || !inRange(p, i)) {
                                problems.add(where + ": default element " + o + " is not an integer in " + p.allowedValues());
                            }
                        }
                    }
                }
                case INT_LISTS -> {
                    if (!(d instanceof List<?> outer)) {
                        problems.add(where + ": default " + d + " is not a list of lists");
                    } else {
                        for (Object inner : outer) {
                            if (!(inner instanceof List<?> list)) {
                                problems.add(where + ": default element " + inner + " is not a list");
                                continue;
                            }
                            for (Object o : list) {
                                if (!(o instanceof Integer i) || !inRange(p, i)) {
                                    problems.add(where + ": default element " + o + " is not an integer in " + p.allowedValues());
                                }
                            }
                        }
                    }
                }
                case COMPONENT -> {
                    if (!(d instanceof ComponentSpec)) {
                        problems.add(where + ": default " + d + " is not a component spec");
                    }
                }
                default -> problems.add(where + ": unhandled type " + p.type());
            }
        }
        return problems;
    }

    /** When no parameter is required, validating no values at all must succeed (all defaults). */
    public static List<String> defaultsValidate(ComponentFactory<?> factory) {
        boolean anyRequired = factory.parameters().stream().anyMatch(ParameterSpec::isRequired);
        if (anyRequired) {
            return List.of();
        }
        try {
            ParamsValidator.validate(factory, Map.of(), TestContexts.WHERE);
            return List.of();
        } catch (GradlabException e) {
            return List.of(factory.id() + ": the defaults do not validate: " + e.getMessage());
        }
    }

    /**
     * For each bounded numeric parameter, a value just outside each bound must be rejected with a
     * {@link GradlabException} whose message names the component and the parameter.
     *
     * @param validParams values that validate (the required ones at least); the bad value replaces one of them
     */
    public static List<String> outOfRangeRejected(ComponentFactory<?> factory, Map<String, ?> validParams) {
        List<String> problems = new ArrayList<>();
        for (ParameterSpec p : factory.parameters()) {
            if (p.type() != ParamType.DOUBLE && p.type() != ParamType.INT) {
                continue;
            }
            for (double bad : outOfRange(p)) {
                Object value = p.type() == ParamType.INT ? (Object) (long) bad : (Object) bad;
                Map<String, Object> raw = new LinkedHashMap<>(validParams);
                raw.put(p.name(), value);
                try {
                    ParamsValidator.validate(factory, raw, TestContexts.WHERE);
                    problems.add(factory.id() + ": parameter '" + p.name() + "' accepted " + value
                            + " outside its allowed values " + p.allowedValues());
                } catch (GradlabException e) {
                    String m = String.valueOf(e.getMessage());
                    if (!m.contains(factory.id().value()) || !m.contains(p.name())) {
                        problems.add(factory.id() + ": rejecting " + p.name() + " = " + value
                                + " gave a message that does not name the component and the parameter: " + m);
                    }
                }
            }
        }
        return problems;
    }

    /** A misspelt parameter must be rejected, naming it. */
    public static List<String> unknownParameterRejected(ComponentFactory<?> factory, Map<String, ?> validParams) {
        Map<String, Object> raw = new LinkedHashMap<>(validParams);
        raw.put("no-such-parameter", 1);
        try {
            ParamsValidator.validate(factory, raw, TestContexts.WHERE);
            return List.of(factory.id() + ": an unknown parameter 'no-such-parameter' was accepted");
        } catch (GradlabException e) {
            return String.valueOf(e.getMessage()).contains("no-such-parameter") ? List.of()
                    : List.of(factory.id() + ": rejecting an unknown parameter gave a message without its name: " + e.getMessage());
        }
    }

    /** Values just outside the declared bounds of a numeric parameter (none for an unbounded one). */
    static List<Double> outOfRange(ParameterSpec p) {
        List<Double> values = new ArrayList<>();
        boolean isInt = p.type() == ParamType.INT;
        if (Double.isFinite(p.min()) && !(isInt && p.min() <= Integer.MIN_VALUE)) {
            values.add(p.minExclusive() ? p.min() : isInt ? p.min() - 1 : below(p.min()));
        }
        if (Double.isFinite(p.max()) && !(isInt && p.max() >= Integer.MAX_VALUE)) {
            values.add(isInt ? p.max() + 1 : above(p.max()));
        }
        return values;
    }

    private static double below(double v) {
        return v - Math.max(1e-3, Math.abs(v) * 1e-3);
    }

    private static double above(double v) {
        return v + Math.max(1e-3, Math.abs(v) * 1e-3);
    }

    private static boolean inRange(ParameterSpec p, double v) {
        return !Double.isNaN(v) && v >= p.min() && v <= p.max() && !(p.minExclusive() && v == p.min());
    }
}
