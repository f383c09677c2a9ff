package io.gradlab.engine.spec;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One experiment: what data, which model, how to train it, and which extra diagnostics to run.
 * Read from YAML or JSON by {@link SpecLoader}; components are checked and completed with their
 * defaults by {@link SpecValidator#resolve}; written back by {@link SpecWriter}.
 *
 * @param name        the run name: letters, digits, '.', '_' and '-', starting with a letter or digit
 * @param description free text, empty when absent (never {@code null})
 * @param data        the data source and the validation split
 * @param model       the architecture and the loss
 * @param training    epochs, batch size, optimiser, gradient transforms, strategy, seed and so on
 * @param diagnostics extra diagnostics (kind {@code diagnostic}), in order
 * @param baseDir     the directory of the spec file, against which relative paths in the spec resolve
 */
public record ExperimentSpec(
        String name,
        String description,
        DataSpec data,
        ModelSpec model,
        TrainingSpec training,
        List<ComponentSpec> diagnostics,
        Path baseDir) {

    /** Valid experiment names; they become folder names, so no separators and no leading dot. */
    public static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** What a valid name looks like, for messages. */
    static final String NAME_RULE =
            "a name of at most 128 letters, digits, '.', '_' and '-', starting with a letter or digit (e.g. m05-baseline)";

    public ExperimentSpec {
        requireNonNull(name, "name is null");
        description = description == null ? "" : description;
        requireNonNull(data, "data is null");
        requireNonNull(model, "model is null");
        requireNonNull(training, "training is null");
        diagnostics = List.copyOf(requireNonNull(diagnostics, "diagnostics is null"));
        requireNonNull(baseDir, "baseDir is null");
        if (!NAME_PATTERN.matcher(name).matches()) {
            throw new GradlabException(Category.SPEC, "name: expected " + NAME_RULE + ", got \"" + name + "\"");
        }
    }

    /** A path written in the spec, resolved against the spec file's directory (absolute paths stay as they are). */
    public Path resolvePath(String path) {
        requireNonNull(path, "path is null");
        return baseDir.resolve(path);
    }
}
