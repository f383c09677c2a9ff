package io.gradlab.plugins.recurrent;

import static java.util.Objects.requireNonNull;

/**
 * What every recurrent layer is configured with.
 *
 * @param hidden          the hidden size H
 * @param steps           time steps T per sample, or 0 to derive them from {@code features}
 * @param features        features F per step, or 0 to derive them from {@code steps}; when both are 0 the
 *                        layer cannot split its input and fails to build
 * @param returnSequences many-to-many: output every hidden state ({@code [batch, T*H]}); otherwise the
 *                        last one ({@code [batch, H]})
 * @param truncate        BPTT truncation k: the sequence is cut into chunks of k steps counted back from the
 *                        last step, and no gradient crosses a chunk boundary, so a gradient flows back at most
 *                        k steps; 0 is full backpropagation through time
 * @param recurrentInit   the initialisation of each {@code [H, H]} block of {@code W_hh}
 * @param spectralRadius  the spectral radius each block of {@code W_hh} starts with
 */
public record RecurrentConfig(int hidden, int steps, int features, boolean returnSequences, int truncate,
                              RecurrentInit recurrentInit, double spectralRadius) {
    public RecurrentConfig {
        requireNonNull(recurrentInit, "recurrentInit is null");
        if (hidden <= 0) {
            throw new IllegalArgumentException("hidden must be positive, got " + hidden);
        }
        if (steps < 0 || features < 0) {
            throw new IllegalArgumentException("steps and features must not be negative, got " + steps + " and " + features);
        }
        if (truncate < 0) {
            throw new IllegalArgumentException("truncate must not be negative, got " + truncate);
        }
        if (!(spectralRadius >= 0) || Double.isInfinite(spectralRadius)) {
            throw new IllegalArgumentException("spectral radius must be finite and not negative, got " + spectralRadius);
        }
    }

    /** A configuration with T steps, full BPTT and an orthogonal {@code W_hh} of spectral radius 1. */
    public static RecurrentConfig of(int hidden, int steps) {
        return new RecurrentConfig(hidden, steps, 0, false, 0, RecurrentInit.ORTHOGONAL, 1.0);
    }

    public RecurrentConfig withReturnSequences(boolean value) {
        return new RecurrentConfig(hidden, steps, features, value, truncate, recurrentInit, spectralRadius);
    }

    public RecurrentConfig withTruncate(int value) {
        return new RecurrentConfig(hidden, steps, features, returnSequences, value, recurrentInit, spectralRadius);
    }

    public RecurrentConfig withInit(RecurrentInit init, double radius) {
        return new RecurrentConfig(hidden, steps, features, returnSequences, truncate, init, radius);
    }
}
