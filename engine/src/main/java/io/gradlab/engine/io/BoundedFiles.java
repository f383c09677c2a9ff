package io.gradlab.engine.io;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads that stop at a limit whatever the kind of file: a regular file is checked by its size first,
 * and a device ({@code /dev/zero}), a pipe or a process substitution ({@code <(cat spec.yaml)}) is
 * read only up to the limit, so that no input can fill the heap.
 */
public final class BoundedFiles {
    /** The most gradlab reads from a file that is not a regular file (a pipe, a device), whatever the caller's limit. */
    public static final long STREAM_LIMIT = 64L << 20;

    private BoundedFiles() {}

    /**
     * All bytes of {@code file}, which may be a regular file or a stream-like file (a pipe).
     *
     * @param what what the file is, for the message ("the spec file", "weights file")
     * @throws GradlabException {@code category} when the file holds more than {@code limit} bytes
     * @throws IOException      when it cannot be read
     */
    public static byte[] readAllBytes(Path file, long limit, String what, Category category) throws IOException {
        if (Files.isRegularFile(file)) {
            long size = Files.size(file);
            if (size > limit) {
                throw tooLarge(file, limit, what, category, size + " bytes");
            }
        } else {
            limit = Math.min(limit, STREAM_LIMIT);
        }
        try (InputStream in = Files.newInputStream(file)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                total += n;
                if (total > limit) {
                    throw tooLarge(file, limit, what, category, "more than " + limit + " bytes");
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    /**
     * {@code in} limited to {@code limit} bytes: reading past the limit fails with a
     * {@link GradlabException} naming the file and the limit (for readers that stream).
     */
    public static InputStream limited(InputStream in, Path file, long limit, String what, Category category) {
        long max = Files.isRegularFile(file) ? limit : Math.min(limit, STREAM_LIMIT);
        return new FilterInputStream(in) {
            private long count;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    count(1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    count(n);
                }
                return n;
            }

            private void count(int n) {
                count += n;
                if (count > max) {
                    throw tooLarge(file, max, what, category, "more than " + max + " bytes");
                }
            }
        };
    }

    private static GradlabException tooLarge(Path file, long limit, String what, Category category, String size) {
        return new GradlabException(category, Messages.quote(file) + ": " + what + " is too large (" + size + "; gradlab reads at most "
                + limit + " bytes = " + human(limit) + "); is this the right file?");
    }

    private static String human(long bytes) {
        if (bytes >= 1L << 30) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes >= 1L << 20) {
            return (bytes >> 20) + " MiB";
        }
        return (bytes >> 10) + " KiB";
    }
}
