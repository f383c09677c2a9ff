package io.gradlab.api;

/** The type of a declared component parameter. */
public enum ParamType {
    /** A real number ({@link Double}). */
    DOUBLE,
    /** A whole number ({@link Integer}). */
    INT,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** Free text. */
    STRING,
    /** One of a fixed set of strings ({@link ParameterSpec#choices()}). */
    CHOICE,
    /** A list of whole numbers ({@code List<Integer>}), e.g. hidden layer widths. */
    INT_LIST,
    /**
     * A list of whole-number lists ({@code List<List<Integer>>}), e.g. skip connections
     * {@code [[1, 3], [4, 7]]}; the numeric range applies to every element.
     */
    INT_LISTS,
    /** A nested component of kind {@link ParameterSpec#componentKind()} ({@link ComponentSpec}). */
    COMPONENT
}
