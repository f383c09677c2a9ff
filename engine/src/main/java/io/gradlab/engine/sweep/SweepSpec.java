package io.gradlab.engine.sweep;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.engine.spec.ExperimentSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * A sweep file: a base spec (or a {@link Axis.Specs} axis of whole specs), overrides applied to
 * every trial, and the axes whose product gives the trials.
 *
 * @param name        the sweep's name (the file name without extension when the file gives none)
 * @param description free text, empty when absent
 * @param file        the sweep file, absolute
 * @param base        the base spec, absolute; {@code null} when the axes hold a {@link Axis.Specs}
 * @param fixed       {@code key=value} overrides applied to every trial before the axes' own
 * @param axes        the axes, the first varying slowest
 */
public record SweepSpec(String name, String description, Path file, Path base, List<String> fixed, List<Axis> axes) {
    public SweepSpec {
        requireNonNull(name, "name is null");
        description = description == null ? "" : description;
        requireNonNull(file, "file is null");
        fixed = List.copyOf(fixed);
        axes = List.copyOf(axes);
        if (!ExperimentSpec.NAME_PATTERN.matcher(name).matches()) {
            throw new GradlabException(Category.SPEC, file + ": name: expected at most 128 letters, digits, '.', '_' and '-',"
                    + " starting with a letter or digit, got \"" + name + "\"");
        }
        long specAxes = axes.stream().filter(a -> a instanceof Axis.Specs).count();
        if ((base == null) == (specAxes == 0) || specAxes > 1) {
            throw new GradlabException(Category.SPEC, file + ": give either 'base: SPEC' or 'specs: [SPEC, ...]', exactly one of them");
        }
    }

    /** How many trials the axes give. */
    public long trialCount() {
        long n = 1;
        for (Axis a : axes) {
            n *= a.size();
        }
        return n;
    }
}
