package io.gradlab.engine.sweep;

import static java.util.Objects.requireNonNull;

import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of a sweep: a spec's text and the overrides that make this trial. It carries the spec's
 * text rather than its path, so that a trial can run on a machine that does not have the file (a
 * Spark executor); it is {@link Serializable} for the same reason.
 *
 * @param id         the stable id, derived from the trial's axis values: the trial's folder and experiment name
 * @param index      the position in the sweep (0 = the first trial)
 * @param specSource the spec file the trial starts from, for messages (JSON when it ends in .json)
 * @param specText   that file's text
 * @param specDir    the folder relative paths in the spec resolve against
 * @param overrides  {@code key=value} overrides: the sweep's fixed ones, the axes', and {@code name=<id>} last
 * @param axisValues the trial's point on each axis, for tables: key (or {@code spec}) to value text, in axis order
 */
public record Trial(String id, int index, String specSource, String specText, String specDir, List<String> overrides,
                    Map<String, String> axisValues) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Trial {
        requireNonNull(id, "id is null");
        requireNonNull(specSource, "specSource is null");
        requireNonNull(specText, "specText is null");
        requireNonNull(specDir, "specDir is null");
        overrides = List.copyOf(overrides);
        axisValues = Collections.unmodifiableMap(new LinkedHashMap<>(axisValues));
    }

    /** The trial's experiment spec: the spec text with the overrides applied (not yet resolved). */
    public ExperimentSpec spec() {
        return SpecLoader.parse(specText, specSource, Path.of(specDir), overrides);
    }

    /** The trial's spec with extra overrides applied after its own. */
    public ExperimentSpec spec(List<String> extra) {
        List<String> all = new ArrayList<>(overrides);
        all.addAll(extra);
        return SpecLoader.parse(specText, specSource, Path.of(specDir), all);
    }

    /** {@code id (key=value, ...)}, for messages. */
    public String describe() {
        if (axisValues.isEmpty()) {
            return "trial " + id;
        }
        List<String> parts = new ArrayList<>();
        axisValues.forEach((k, v) -> parts.add(k + "=" + v));
        return "trial " + id + " (" + String.join(", ", parts) + ")";
    }
}
