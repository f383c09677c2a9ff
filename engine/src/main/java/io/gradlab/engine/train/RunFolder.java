package io.gradlab.engine.train;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A run folder {@code <out>/<name>-<timestamp>/}: {@code spec.resolved.yaml}, {@code metrics.jsonl}
 * (one complete JSON line per epoch, flushed), and {@code summary.json}, written last and atomically;
 * a folder without a {@code summary.json} whose {@code status} is {@code completed} is not a finished run.
 */
public final class RunFolder implements AutoCloseable {
    public static final String SPEC = "spec.resolved.yaml";
    public static final String METRICS = "metrics.jsonl";
    public static final String SUMMARY = "summary.json";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path dir;
    private Writer metrics;

    private RunFolder(Path dir) {
        this.dir = dir;
    }

    /** Creates a new, uniquely named run folder under {@code outDir}. */
    public static RunFolder create(Path outDir, String name, Clock clock) {
        requireNonNull(outDir, "outDir is null");
        try {
            Files.createDirectories(outDir);
            String base = name + "-" + STAMP.format(clock.instant());
            for (int i = 0; i < 1000; i++) {
                Path dir = outDir.resolve(i == 0 ? base : base + "-" + i);
                try {
                    Files.createDirectory(dir);
                    return new RunFolder(dir);
                } catch (FileAlreadyExistsException e) {
                    // taken: try the next suffix
                }
            }
            throw new GradlabException(GradlabException.Category.IO, "cannot find a free run folder name for '" + base + "' in " + outDir);
        } catch (IOException e) {
            throw new GradlabException(GradlabException.Category.IO,
                    "cannot create a run folder in " + outDir + ": " + e.getMessage() + "; choose another place with --out DIR", e);
        }
    }

    /** Opens an existing run folder (for resuming or reading). */
    public static RunFolder open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new GradlabException(GradlabException.Category.USAGE, "no run folder at " + dir);
        }
        return new RunFolder(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Writes a whole file atomically: a temporary file, flushed to disk, then renamed over the target. */
    public void writeAtomically(String fileName, String content) {
        writeAtomically(dir.resolve(fileName), content.getBytes(StandardCharsets.UTF_8));
    }

    public static void writeAtomically(Path target, byte[] content) {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (var channel = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            var buffer = java.nio.ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            throw new GradlabException(GradlabException.Category.IO, "cannot write " + target + ": " + e.getMessage(), e);
        }
        try {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new GradlabException(GradlabException.Category.IO, "cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Appends one JSON line to {@code metrics.jsonl} and flushes it (the line is written in one call). */
    public void appendMetrics(String jsonLine) {
        try {
            if (metrics == null) {
                metrics = Files.newBufferedWriter(dir.resolve(METRICS), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            metrics.write(jsonLine + "\n");
            metrics.flush();
        } catch (IOException e) {
            throw new GradlabException(GradlabException.Category.IO, "cannot append to " + dir.resolve(METRICS) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (metrics != null) {
            try {
                metrics.close();
            } catch (IOException e) {
                // the lines were flushed one by one; nothing is lost
            }
            metrics = null;
        }
    }
}
