package io.gradlab.engine.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Questions about run folders that a study (or any batch of runs) asks before starting one: is it
 * finished, can it be resumed, which is the latest run of a name. Read only; never throws for a
 * folder that is merely incomplete or damaged.
 */
public final class RunFolders {
    /** {@code <name>-yyyyMMdd-HHmmss} with an optional {@code -<n>} suffix, as {@link RunFolder#create} names them. */
    private static final Pattern STAMPED = Pattern.compile("-(\\d{8}-\\d{6})(?:-(\\d{1,3}))?");

    private RunFolders() {}

    /** The {@code status} of the run's {@code summary.json}, or empty when it has none (still running, killed) or it is unreadable. */
    public static Optional<String> status(Path runDir) {
        requireNonNull(runDir, "runDir is null");
        Path summary = runDir.resolve(RunFolder.SUMMARY);
        if (!Files.isRegularFile(summary)) {
            return Optional.empty();
        }
        try {
            JsonNode node = Json.mapper().readTree(summary.toFile());
            return node != null && node.path("status").isTextual() ? Optional.of(node.get("status").asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether the run finished all its epochs: {@code summary.json} says {@code completed}. */
    public static boolean isComplete(Path runDir) {
        return status(runDir).filter("completed"::equals).isPresent();
    }

    /**
     * Whether {@code gradlab run --resume} can continue the run: it has its resolved spec, is not
     * complete, and did not end in a way that resuming would repeat ({@code diverged}, {@code stopped}).
     */
    public static boolean isResumable(Path runDir) {
        if (!Files.isRegularFile(runDir.resolve(RunFolder.SPEC)) || !Files.isRegularFile(runDir.resolve(RunFolder.RUN_INFO))) {
            return false;
        }
        Optional<String> status = status(runDir);
        return status.isEmpty() || status.get().equals("failed");
    }

    /** The run folders of experiment {@code name} in {@code outDir}, oldest first (by the time stamp in their names). */
    public static List<Path> runsNamed(Path outDir, String name) {
        requireNonNull(outDir, "outDir is null");
        requireNonNull(name, "name is null");
        if (!Files.isDirectory(outDir)) {
            return List.of();
        }
        Pattern pattern = Pattern.compile(Pattern.quote(name) + STAMPED.pattern());
        try (Stream<Path> entries = Files.list(outDir)) {
            return entries.filter(Files::isDirectory)
                    .filter(p -> pattern.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparing((Path p) -> key(pattern, p)))
                    .toList();
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot list " + outDir + ": " + e.getMessage(), e);
        }
    }

    /** The most recent run folder of experiment {@code name} in {@code outDir}. */
    public static Optional<Path> latest(Path outDir, String name) {
        List<Path> runs = runsNamed(outDir, name);
        return runs.isEmpty() ? Optional.empty() : Optional.of(runs.get(runs.size() - 1));
    }

    private static String key(Pattern pattern, Path p) {
        Matcher m = pattern.matcher(p.getFileName().toString());
        if (!m.matches()) {
            return "";
        }
        String suffix = m.group(2) == null ? "000" : "%03d".formatted(Integer.parseInt(m.group(2)));
        return m.group(1) + "-" + suffix;
    }
}
