package io.gradlab.engine.run;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A run folder {@code <out>/<name>-<timestamp>/}: {@code spec.resolved.yaml}, {@code run.json} (where
 * the spec came from, for resuming), {@code metrics.jsonl} (one complete JSON line per epoch, forced
 * to disk before the epoch's checkpoint), {@code checkpoint.safetensors} (replaced atomically after
 * each epoch) and {@code summary.json}, written last and atomically; a folder without a
 * {@code summary.json} whose {@code status} is {@code completed} is not a finished run.
 */
public final class RunFolder implements AutoCloseable {
    public static final String SPEC = "spec.resolved.yaml";
    public static final String METRICS = "metrics.jsonl";
    public static final String SUMMARY = "summary.json";
    public static final String RUN_INFO = "run.json";
    public static final String CHECKPOINT = "checkpoint.safetensors";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path dir;
    private FileChannel metrics;
    private FileChannel lockChannel;
    private MetricsLog.Recovered pendingRewrite;

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
        if (pendingRewrite != null && fileName.equals(SUMMARY)) {
            MetricsLog.rewrite(dir, pendingRewrite);
            pendingRewrite = null;
        }
        writeAtomically(dir.resolve(fileName), content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes {@code content} to {@code target} so that a crash at any moment leaves either the old
     * file or the new one, never a torn one ({@link OutputFiles#replace}: an exclusive, randomly named
     * temporary file in the same folder, forced to disk, renamed over a target that is absent or a
     * regular file).
     */
    public static void writeAtomically(Path target, byte[] content) {
        OutputFiles.replace(target, content);
    }

    /**
     * Appends one JSON line to {@code metrics.jsonl} in one write and forces it to disk, so that the
     * line is complete before the epoch's checkpoint is written.
     */
    public void appendMetrics(String jsonLine) {
        if (pendingRewrite != null) {
            MetricsLog.rewrite(dir, pendingRewrite);
            pendingRewrite = null;
        }
        try {
            if (metrics == null) {
                metrics = FileChannel.open(dir.resolve(METRICS), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
            }
            ByteBuffer buffer = ByteBuffer.wrap((jsonLine + "\n").getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                metrics.write(buffer);
            }
            metrics.force(false);
        } catch (IOException e) {
            throw new GradlabException(GradlabException.Category.IO, "cannot append to " + dir.resolve(METRICS) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Cuts {@code metrics.jsonl} back to {@code recovered} just before the next line is appended, not
     * now: a resume that is refused later (a checkpoint that does not fit the model) leaves the file
     * as it was.
     */
    public void rewriteMetricsBeforeAppending(MetricsLog.Recovered recovered) {
        this.pendingRewrite = requireNonNull(recovered, "recovered is null");
    }

    /**
     * Removes this folder when it holds nothing but what the set-up writes ({@code spec.resolved.yaml},
     * {@code run.json}): a run that failed before training leaves nothing behind. Returns whether it
     * was removed.
     */
    public boolean removeIfOnlySetUp() {
        try (var files = Files.list(dir)) {
            List<Path> all = files.toList();
            for (Path f : all) {
                String name = f.getFileName().toString();
                if (!name.equals(SPEC) && !name.equals(RUN_INFO)) {
                    return false;
                }
            }
            for (Path f : all) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Takes an exclusive lock on the folder's {@code run.json} for as long as this object is open,
     * so that two processes never train into the same folder (a resume while the run is alive).
     */
    public void lock() {
        Path file = dir.resolve(RUN_INFO);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            java.nio.channels.FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new GradlabException(GradlabException.Category.USAGE, "run folder " + dir
                        + " is in use by another gradlab process: wait for it to end (or stop it) before resuming");
            }
            lockChannel = channel;
        } catch (IOException e) {
            throw new GradlabException(GradlabException.Category.IO, "cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (lockChannel != null) {
            try {
                lockChannel.close();
            } catch (IOException e) {
                // closing releases the lock; nothing else to do
            }
            lockChannel = null;
        }
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
