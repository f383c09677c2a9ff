package io.gradlab.api;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A reference to a component in an experiment spec: its id and the raw parameter values the user
 * wrote ({@code {id: leaky-relu, negative-slope: 0.1}}). The host validates the values against the
 * factory's declared {@link ParameterSpec}s before building anything.
 */
public record ComponentSpec(ComponentId id, Map<String, Object> params) {
    public ComponentSpec {
        requireNonNull(id, "id is null");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(params, "params is null")));
    }

    public static ComponentSpec of(String id) {
        return new ComponentSpec(ComponentId.of(id), Map.of());
    }

    public static ComponentSpec of(String id, Map<String, Object> params) {
        return new ComponentSpec(ComponentId.of(id), params);
    }

    /** This spec with one parameter set. */
    public ComponentSpec with(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(params);
        copy.put(key, value);
        return new ComponentSpec(id, copy);
    }

    @Override
    public String toString() {
        return params.isEmpty() ? id.value() : id.value() + params;
    }
}
