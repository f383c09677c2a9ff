package io.gradlab.api;

import java.util.regex.Pattern;

/** A validated component id: lower-case letters, digits and dashes, starting with a letter ({@code he-normal}). */
public record ComponentId(String value) implements Comparable<ComponentId> {
    private static final Pattern VALID = Pattern.compile("[a-z][a-z0-9-]*");

    public ComponentId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "invalid component id '" + value + "': use lower-case letters, digits and dashes, starting with a letter (e.g. 'leaky-relu')");
        }
    }

    public static ComponentId of(String value) {
        return new ComponentId(value);
    }

    @Override
    public int compareTo(ComponentId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
