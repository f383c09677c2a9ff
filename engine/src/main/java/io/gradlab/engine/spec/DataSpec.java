package io.gradlab.engine.spec;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;

/**
 * The {@code data} section.
 *
 * @param source     the dataset component (kind {@code dataset})
 * @param validation how many samples are held out of the training set for validation ({@code >= 0})
 */
public record DataSpec(ComponentSpec source, int validation) {
    public DataSpec {
        requireNonNull(source, "source is null");
        if (validation < 0) {
            throw new GradlabException(Category.SPEC, "data.validation: expected a whole number >= 0, got " + validation);
        }
    }
}
