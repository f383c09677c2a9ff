package io.gradlab.api.data;

import static java.util.Objects.requireNonNull;

/**
 * What a dataset source gives: training data, and the official test set ({@code null} when the
 * source has none; the engine then carves one out). The engine takes the validation split out of
 * {@code train} when the spec asks for it.
 */
public record DataSplits(Dataset train, Dataset test, String description) {
    public DataSplits {
        requireNonNull(train, "train is null");
        requireNonNull(description, "description is null");
        if (test != null && (test.width() != train.width() || test.classes() != train.classes())) {
            throw new IllegalArgumentException("test set " + test + " does not match training set " + train);
        }
    }
}
