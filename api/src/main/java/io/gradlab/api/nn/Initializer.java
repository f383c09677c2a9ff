package io.gradlab.api.nn;

import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.Tensor;

/** Fills a weight tensor (and, by its own rule, a bias) with initial values. */
public interface Initializer {
    /** Initializes a weight of layout {@code [fanOut, fanIn]} (or any tensor, using {@code fan}). */
    void initialize(Tensor weight, Fan fan, RandomSource random);

    /** Initializes a bias; zeros unless the initializer says otherwise (the PyTorch default draws it too). */
    default void initializeBias(Tensor bias, Fan fan, RandomSource random) {
        bias.fill(0.0);
    }
}
