package io.gradlab.engine.run;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.engine.io.Messages;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The one way gradlab writes a whole file, for every command: a temporary file created exclusively
 * (a random name, never following a link) in the target's folder, forced to disk and renamed over the
 * target, which must be absent or a regular file (never a device, a folder or a link); the temporary
 * file is removed on every failure. Outputs the user names ({@code --out}) are also checked by
 * {@link #checkOutput} before any work: they may never be one of a run folder's own files.
 */
public final class OutputFiles {
    /** The files of a run folder that only the training run writes. */
    public static final Set<String> RUN_FILES = Set.of(RunFolder.SPEC, RunFolder.METRICS, RunFolder.SUMMARY, RunFolder.RUN_INFO,
            RunFolder.CHECKPOINT);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_BASE = 64;

    private OutputFiles() {}

    /**
     * Checks a file the user named for an output ({@code option}, e.g. {@code --out}) before any work:
     * it must be absent or a regular file, and it must not be one of a run
     * folder's own files ({@link #RUN_FILES} next to a {@code run.json} or {@code spec.resolved.yaml}).
     *
     * @return the absolute, normalised path
     * @throws GradlabException {@code USAGE} naming the problem and the fix
     */
    public static Path checkOutput(Path target, String option) {
        requireNonNull(target, "target is null");
        Path abs = target.toAbsolutePath().normalize();
        checkKind(abs, Category.USAGE, option + " ");
        if (isRunFile(abs)) {
            throw new GradlabException(Category.USAGE, option + " " + Messages.quote(abs) + " is one of the run folder's own files"
                    + " (" + abs.getFileName() + "): writing it would damage the run; choose another file name");
        }
        return abs;
    }

    /** Whether {@code file} is one of a run folder's own files. */
    public static boolean isRunFile(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        return parent != null && abs.getFileName() != null && RUN_FILES.contains(abs.getFileName().toString())
                && (Files.exists(parent.resolve(RunFolder.RUN_INFO), LinkOption.NOFOLLOW_LINKS)
                        || Files.exists(parent.resolve(RunFolder.SPEC), LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * Replaces {@code target} with {@code content} so that a crash at any moment leaves either the old
     * file or the new one: an exclusive temporary file in the same folder, forced to disk, renamed over
     * the target, the folder forced where the platform allows it. The temporary file never outlives a
     * failure.
     *
     * @throws GradlabException {@code IO} when the target is not absent or a regular file, or the write fails
     */
    public static void replace(Path target, byte[] content) {
        requireNonNull(content, "content is null");
        replace(target, "", tmp -> {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
        });
    }

    /** Writes a file's content into the (exclusive, empty) temporary file it is given. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path tmp) throws IOException;
    }

    /**
     * {@link #replace(Path, byte[])} for content that a library writes to a file by name (a chart
     * encoder): {@code content} fills the temporary file, whose name ends with {@code suffix}.
     */
    public static void replace(Path target, String suffix, Content content) {
        requireNonNull(content, "content is null");
        Path abs = requireNonNull(target, "target is null").toAbsolutePath().normalize();
        checkKind(abs, Category.IO, "");
        Path tmp = createTemp(abs, suffix);
        boolean moved = false;
        try {
            content.writeTo(tmp);
            checkKind(abs, Category.IO, "");
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot write " + Messages.quote(abs) + ": " + Messages.ioReason(e), e);
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
        forceDirectory(abs.getParent());
    }

    /**
     * Creates an empty temporary file next to {@code target}, exclusively (it fails rather than open
     * an existing file or link), with a random name: {@code .<name>.<random>.tmp}.
     */
    static Path createTemp(Path target, String suffix) {
        String name = target.getFileName().toString();
        String base = name.length() > MAX_BASE ? name.substring(0, MAX_BASE) : name;
        IOException last = null;
        for (int attempt = 0; attempt < 16; attempt++) {
            byte[] random = new byte[8];
            RANDOM.nextBytes(random);
            Path tmp = target.resolveSibling("." + base + "." + HexFormat.of().formatHex(random) + ".tmp" + suffix);
            try {
                FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                last = e;
            } catch (IOException e) {
                throw new GradlabException(Category.IO, "cannot write " + Messages.quote(target) + ": " + Messages.ioReason(e)
                        + "; check that the folder exists and that you may write there", e);
            }
        }
        throw new GradlabException(Category.IO, "cannot create a temporary file next to " + Messages.quote(target), last);
    }

    /** Refuses a target that exists and is not a regular file (a link, a folder, a device, a pipe). */
    private static void checkKind(Path target, Category category, String option) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new GradlabException(category, "cannot write " + option + Messages.quote(target) + ": " + Messages.ioReason(e), e);
        }
        String what;
        if (attributes.isSymbolicLink()) {
            what = "is a symbolic link; gradlab never writes through a link: remove it or give the path of a regular file";
        } else if (attributes.isDirectory()) {
            what = "is a folder; give the name of a file to write";
        } else if (!attributes.isRegularFile()) {
            what = "is not a regular file (a device, pipe or socket); gradlab writes only regular files: give a file name";
        } else {
            return;
        }
        throw new GradlabException(category, "cannot write " + option + Messages.quote(target) + ": it " + what);
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // best effort: the name is random and hidden, it never replaces anything
        }
    }

    private static void forceDirectory(Path dir) {
        if (dir == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can open a folder; the rename itself is atomic
        }
    }
}
