package io.gradlab.cli.study;

import io.gradlab.api.GradlabException;
import io.gradlab.engine.registry.PluginHost;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Finding a study's spec folder and creating its output folder: shared by {@code gradlab study} and {@code gradlab study rnn}. */
final class StudyFolders {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private StudyFolders() {}

    /**
     * The folder of a study's specs: {@code specsDir} when given (it must be a folder), else
     * {@code $GRADLAB_HOME/examples/<study>} (the system property first), else {@code ./examples/<study>}.
     */
    static Path specs(Path specsDir, String study) {
        if (specsDir != null) {
            if (!Files.isDirectory(specsDir)) {
                throw new GradlabException(GradlabException.Category.USAGE, "--specs " + specsDir + " is not a folder");
            }
            return specsDir;
        }
        List<Path> candidates = new ArrayList<>();
        String home = System.getProperty(PluginHost.HOME_PROPERTY);
        if (home == null || home.isBlank()) {
            home = System.getenv(PluginHost.HOME_ENV);
        }
        if (home != null && !home.isBlank()) {
            candidates.add(Path.of(home.trim(), "examples", study));
        }
        candidates.add(Path.of("examples", study));
        for (Path c : candidates) {
            if (Files.isDirectory(c)) {
                return c;
            }
        }
        throw new GradlabException(GradlabException.Category.USAGE, "cannot find the specs of study '" + study + "' (looked in "
                + candidates + "); give their folder with --specs DIR");
    }

    /** Creates {@code <out>/<study>-<timestamp>/} (with a suffix -1, -2, ... when that is taken) and returns it. */
    static Path create(Path out, String study, Clock clock) {
        String base = study + "-" + STAMP.format(clock.instant());
        try {
            Files.createDirectories(out);
            for (int i = 0; i < 1000; i++) {
                try {
                    return Files.createDirectory(out.resolve(i == 0 ? base : base + "-" + i));
                } catch (FileAlreadyExistsException e) {
                    // taken: try the next suffix
                }
            }
        } catch (IOException e) {
            throw new GradlabException(GradlabException.Category.IO, "cannot create a study folder in " + out + ": " + e.getMessage()
                    + "; choose another place with --out DIR", e);
        }
        throw new GradlabException(GradlabException.Category.IO, "cannot create a study folder " + base + " in " + out
                + ": too many with that name; choose another place with --out DIR");
    }
}
