package io.gradlab.api.nn;

/**
 * The fan of a weight tensor, as initializers need it: {@code fanIn} inputs feed each unit and each
 * input feeds {@code fanOut} units. {@code nonlinearity} is the id of the activation that follows
 * (for gain-aware initializers such as He), or {@code "linear"} when unknown.
 */
public record Fan(int fanIn, int fanOut, String nonlinearity) {
    public Fan {
        if (fanIn <= 0 || fanOut <= 0) {
            throw new IllegalArgumentException("fan must be positive, got in=" + fanIn + " out=" + fanOut);
        }
        nonlinearity = nonlinearity == null ? "linear" : nonlinearity;
    }
}
