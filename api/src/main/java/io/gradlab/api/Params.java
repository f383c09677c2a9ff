package io.gradlab.api;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validated parameter values for one component: every declared parameter is present (explicit or
 * default) with the declared type, inside its range. Built by the host; factories only read it.
 */
public final class Params {
    private final ComponentId owner;
    private final Map<String, Object> values;

    public Params(ComponentId owner, Map<String, Object> values) {
        this.owner = requireNonNull(owner, "owner is null");
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(values, "values is null")));
    }

    public ComponentId owner() {
        return owner;
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public boolean has(String name) {
        return values.get(name) != null;
    }

    public double getDouble(String name) {
        return ((Number) get(name)).doubleValue();
    }

    public int getInt(String name) {
        return ((Number) get(name)).intValue();
    }

    public boolean getBoolean(String name) {
        return (Boolean) get(name);
    }

    public String getString(String name) {
        return (String) get(name);
    }

    @SuppressWarnings("unchecked")
    public List<Integer> getIntList(String name) {
        return (List<Integer>) get(name);
    }

    /** The value of an {@link ParamType#INT_LISTS} parameter. */
    @SuppressWarnings("unchecked")
    public List<List<Integer>> getIntLists(String name) {
        return (List<List<Integer>>) get(name);
    }

    public ComponentSpec getComponent(String name) {
        return (ComponentSpec) get(name);
    }

    private Object get(String name) {
        Object value = values.get(name);
        if (value == null) {
            throw new GradlabException(GradlabException.Category.COMPONENT,
                    "component '" + owner + "' has no value for parameter '" + name + "' (declared parameters: " + values.keySet() + ")");
        }
        return value;
    }

    @Override
    public String toString() {
        return owner + values.toString();
    }
}
