package io.gradlab.engine.data;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes IDX files of unsigned bytes, raw or gzip-compressed at the best compression level. The
 * output is deterministic: the same content gives the same bytes (the gzip header carries no time).
 */
public final class IdxWriter {
    private IdxWriter() {}

    /** Writes {@code idx} to {@code file}, gzip-compressed when {@code gzip} is set. */
    public static void write(Path file, IdxFile idx, boolean gzip) {
        requireNonNull(file, "file is null");
        requireNonNull(idx, "idx is null");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            write(out, idx, gzip);
        } catch (NoSuchFileException e) {
            throw new GradlabException(Category.IO, "cannot write IDX file " + file + ": its folder does not exist. Create it first", e);
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot write IDX file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code idx} to {@code out} (not closed). */
    public static void write(OutputStream out, IdxFile idx, boolean gzip) throws IOException {
        requireNonNull(out, "out is null");
        requireNonNull(idx, "idx is null");
        if (gzip) {
            GZIPOutputStream gz = new BestGzipOutputStream(out);
            writeRaw(gz, idx);
            gz.finish();
        } else {
            writeRaw(out, idx);
        }
        out.flush();
    }

    private static void writeRaw(OutputStream out, IdxFile idx) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(idx.magic());
        for (int i = 0; i < idx.rank(); i++) {
            data.writeInt(idx.dim(i));
        }
        data.write(idx.data());
        data.flush();
    }

    /** A gzip stream at {@link Deflater#BEST_COMPRESSION}. */
    private static final class BestGzipOutputStream extends GZIPOutputStream {
        BestGzipOutputStream(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_COMPRESSION);
        }
    }
}
