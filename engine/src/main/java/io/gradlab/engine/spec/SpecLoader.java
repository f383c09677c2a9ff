package io.gradlab.engine.spec;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import io.gradlab.engine.io.BoundedFiles;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads an experiment spec from YAML or JSON, applies {@code --set} overrides and binds it to an
 * {@link ExperimentSpec} with the fixed-level defaults filled in. Component ids and parameters are
 * checked later by {@link SpecValidator#resolve}.
 *
 * <p>Every problem is a {@link GradlabException} with one message naming the file and the place:
 * category {@code SPEC} for the spec's content, {@code USAGE} for a malformed override, {@code IO}
 * when the file cannot be read.
 */
public final class SpecLoader {
    /** The largest spec file accepted, in bytes (1 MiB). */
    public static final long MAX_FILE_BYTES = TreeReader.MAX_CHARS;

    private SpecLoader() {}

    /**
     * Loads a spec file: JSON when its name ends in {@code .json}, YAML otherwise ({@code .yaml}, {@code .yml}).
     * Relative paths in the spec resolve against the file's directory.
     *
     * @param overrides {@code key=value} strings, applied in order ({@code training.optimizer.lr=0.1})
     */
    public static ExperimentSpec load(Path file, List<String> overrides) {
        requireNonNull(file, "file is null");
        requireNonNull(overrides, "overrides is null");
        Path absolute = file.toAbsolutePath().normalize();
        String text = read(file);
        return parse(text, file.toString(), absolute.getParent() == null ? absolute : absolute.getParent(), overrides);
    }

    /**
     * Parses spec text.
     *
     * @param sourceName the name used in messages; JSON when it ends in {@code .json}, YAML otherwise
     * @param baseDir    the directory relative paths resolve against ({@code null}: the working directory)
     * @param overrides  {@code key=value} strings, applied in order
     */
    public static ExperimentSpec parse(String text, String sourceName, Path baseDir, List<String> overrides) {
        requireNonNull(text, "text is null");
        requireNonNull(overrides, "overrides is null");
        String source = sourceName == null || sourceName.isBlank() ? "<spec>" : sourceName;
        Path base = baseDir == null ? Path.of("").toAbsolutePath() : baseDir;
        List<Overrides.Override> parsedOverrides = Overrides.parse(overrides);
        TreeReader.Format format = TreeReader.Format.of(source);
        Object root;
        try {
            root = TreeReader.read(text.startsWith("\uFEFF") ? text.substring(1) : text, format);
        } catch (TreeReader.ParseProblem e) {
            throw new GradlabException(Category.SPEC, source + ": " + e.describe());
        }
        Map<String, String> origins = Map.of();
        if (root instanceof Map<?, ?> && !parsedOverrides.isEmpty()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> tree = (Map<String, Object>) root;
            origins = Overrides.apply(tree, parsedOverrides);
        }
        return new SpecBinder(source, origins).bind(root, base);
    }

    private static String read(Path file) {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new GradlabException(Category.IO, file + ": is a directory, not a spec file (.yaml, .yml or .json)");
            }
            if (Files.isRegularFile(file) && Files.size(file) > MAX_FILE_BYTES) {
                throw tooLarge(file, Files.size(file));
            }
            // a pipe (<(cat spec.yaml)) or a device is read only up to the limit
            bytes = BoundedFiles.readAllBytes(file, MAX_FILE_BYTES, "the spec file", Category.SPEC);
        } catch (NoSuchFileException e) {
            throw new GradlabException(Category.IO, file + ": spec file not found", e);
        } catch (IOException e) {
            throw new GradlabException(Category.IO, file + ": cannot read the spec file: " + e.getMessage(), e);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw tooLarge(file, bytes.length);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new GradlabException(Category.SPEC, file + ": is not UTF-8 text; save the spec as UTF-8", e);
        }
    }

    private static GradlabException tooLarge(Path file, long size) {
        return new GradlabException(Category.SPEC, file + ": the spec file is too large (" + size
                + " bytes; the limit is " + MAX_FILE_BYTES + " bytes = 1 MiB); is this really an experiment spec?");
    }
}
