package io.gradlab.engine.data;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files of unsigned bytes (the MNIST / FashionMNIST format): a magic number
 * {@code 0x0000 08 rank}, {@code rank} big-endian dimensions, then the data. Files may be raw or
 * gzip-compressed; compression is detected from the gzip magic bytes, not from the name.
 *
 * <p>Every problem with the content (wrong magic number, unsupported element type, truncated file
 * or gzip stream, trailing bytes, dimensions that do not fit) is a {@link GradlabException} of
 * category {@link Category#DATA} whose message names the file, what is wrong and what to do.
 */
public final class IdxReader {
    /** The rank of an image file ({@code idx3}: count x rows x columns). */
    public static final int IMAGE_RANK = 3;
    /** The rank of a label file ({@code idx1}: count). */
    public static final int LABEL_RANK = 1;
    /** Any rank from 1 to this is accepted when no rank is required. */
    public static final int MAX_RANK = 8;

    private static final int BUFFER = 1 << 16;
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 16;
    private static final String REFETCH = "The file is damaged or incomplete: download it again"
            + " (for FashionMNIST: apt-get install --reinstall dataset-fashion-mnist), or point --data to a folder with intact IDX files";

    private IdxReader() {}

    /** Reads an image file (rank 3, magic {@code 0x00000803}). */
    public static IdxFile readImages(Path file) {
        return read(file, IMAGE_RANK);
    }

    /** Reads a label file (rank 1, magic {@code 0x00000801}). */
    public static IdxFile readLabels(Path file) {
        return read(file, LABEL_RANK);
    }

    /** Reads an IDX file of any rank from 1 to {@link #MAX_RANK}. */
    public static IdxFile read(Path file) {
        return read(file, 0);
    }

    /**
     * Reads an IDX file.
     *
     * @param requiredRank the rank the file must have, or 0 for any
     */
    public static IdxFile read(Path file, int requiredRank) {
        requireNonNull(file, "file is null");
        String source = file.toString();
        if (Files.isDirectory(file)) {
            throw new GradlabException(Category.DATA, "IDX file " + source + " is a folder, not a file. Name the IDX file itself, or give the folder as the dataset path");
        }
        try {
            long size = Files.size(file);
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
                return read(in, source, requiredRank, size);
            }
        } catch (NoSuchFileException e) {
            throw new GradlabException(Category.DATA, "IDX file " + source + " does not exist. Check the path, or point --data to a folder with the IDX files", e);
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot read IDX file " + source + ": " + describe(e) + ". Check that the file is readable", e);
        }
    }

    /**
     * Reads an IDX file from a stream (raw or gzip-compressed); the stream is not closed.
     *
     * @param source       the name used in messages (a path or {@code classpath:...})
     * @param requiredRank the rank the file must have, or 0 for any
     */
    public static IdxFile read(InputStream in, String source, int requiredRank) {
        requireNonNull(in, "in is null");
        requireNonNull(source, "source is null");
        try {
            return read(in.markSupported() ? in : new BufferedInputStream(in, BUFFER), source, requiredRank, -1);
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot read IDX file " + source + ": " + describe(e), e);
        }
    }

    /** {@code in} supports mark; {@code rawSize} is the file's size in bytes, or -1 when unknown. */
    private static IdxFile read(InputStream in, String source, int requiredRank, long rawSize) throws IOException {
        if (requiredRank < 0 || requiredRank > MAX_RANK) {
            throw new IllegalArgumentException("required rank " + requiredRank + " is not in 0.." + MAX_RANK);
        }
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            try {
                return parse(new GZIPInputStream(in, BUFFER), source, requiredRank, -1, true);
            } catch (EOFException e) {
                throw corrupt(source, "the gzip stream ends early (the .gz file is truncated)", REFETCH, e);
            } catch (ZipException e) {
                throw corrupt(source, "the gzip stream is corrupt (" + describe(e) + ")", REFETCH, e);
            }
        }
        return parse(in, source, requiredRank, rawSize, false);
    }

    private static IdxFile parse(InputStream in, String source, int requiredRank, long rawSize, boolean gzip) throws IOException {
        String content = gzip ? "the decompressed data" : "the file";
        byte[] head = in.readNBytes(4);
        if (head.length < 4) {
            throw corrupt(source, content + " is only " + head.length + " bytes long, but an IDX file starts with a 4-byte magic number", REFETCH, null);
        }
        int magic = ((head[0] & 0xFF) << 24) | ((head[1] & 0xFF) << 16) | ((head[2] & 0xFF) << 8) | (head[3] & 0xFF);
        int type = head[2] & 0xFF;
        int rank = head[3] & 0xFF;
        if (head[0] != 0 || head[1] != 0) {
            throw corrupt(source, String.format(Locale.ROOT, "wrong magic number 0x%08X: this is not an IDX file (%s)", magic, expectedMagic(requiredRank)),
                    "Check that the path names an IDX file such as train-images-idx3-ubyte[.gz]", null);
        }
        if (type != IdxFile.TYPE_UNSIGNED_BYTE) {
            throw corrupt(source, String.format(Locale.ROOT, "magic number 0x%08X declares elements of type 0x%02X (%s)", magic, type, typeName(type)),
                    "gradlab reads IDX files of unsigned bytes (type 0x08) such as the MNIST and FashionMNIST files; convert the data, or use the 'csv' dataset", null);
        }
        if (rank == 0 || rank > MAX_RANK || (requiredRank > 0 && rank != requiredRank)) {
            String fix = requiredRank > 0 && rank > 0 && rank <= MAX_RANK
                    ? "Check that the image and label files are not swapped (images are *-images-idx3-ubyte, labels *-labels-idx1-ubyte)"
                    : "Check that the path names an IDX file such as train-images-idx3-ubyte[.gz]";
            throw corrupt(source, String.format(Locale.ROOT, "magic number 0x%08X declares %d dimensions (%s)", magic, rank, expectedMagic(requiredRank)), fix, null);
        }
        byte[] dimBytes = in.readNBytes(4 * rank);
        if (dimBytes.length < 4 * rank) {
            throw corrupt(source, content + " ends inside the header: " + rank + " dimensions need " + (4 + 4 * rank) + " bytes, found "
                    + (4 + dimBytes.length), REFETCH, null);
        }
        int[] dims = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++) {
            int o = 4 * i;
            dims[i] = ((dimBytes[o] & 0xFF) << 24) | ((dimBytes[o + 1] & 0xFF) << 16) | ((dimBytes[o + 2] & 0xFF) << 8) | (dimBytes[o + 3] & 0xFF);
            if (dims[i] < 0) {
                throw corrupt(source, "dimension " + (i + 1) + " of the header is negative (" + dims[i] + ")", REFETCH, null);
            }
            elements = Math.min(elements * dims[i], Long.MAX_VALUE / 2 / Integer.MAX_VALUE);
        }
        String shape = shape(dims);
        if (elements > MAX_ELEMENTS) {
            throw corrupt(source, "the header declares " + shape + " elements, more than gradlab can hold in one array (2^31)", REFETCH, null);
        }
        long headerSize = 4L + 4L * rank;
        if (rawSize >= 0 && rawSize != headerSize + elements) {
            if (rawSize < headerSize + elements) {
                throw corrupt(source, "the file is truncated: its header declares " + shape + " = " + elements + " data bytes, but only "
                        + (rawSize - headerSize) + " follow the header", REFETCH, null);
            }
            throw corrupt(source, "the file has " + (rawSize - headerSize - elements) + " bytes more than its header declares (" + shape + " = "
                    + elements + " data bytes)", REFETCH, null);
        }
        byte[] data;
        if (rawSize >= 0) {
            data = new byte[(int) elements];
            int n = in.readNBytes(data, 0, data.length);
            if (n < data.length) {
                throw corrupt(source, "the file is truncated: its header declares " + elements + " data bytes, but only " + n + " could be read", REFETCH, null);
            }
        } else {
            data = in.readNBytes((int) elements); // grows as it reads: a corrupt header cannot make it allocate gigabytes
            if (data.length < elements) {
                throw corrupt(source, content + " is truncated: its header declares " + shape + " = " + elements + " data bytes, but only "
                        + data.length + " follow the header", REFETCH, null);
            }
        }
        if (in.read() != -1) {
            throw corrupt(source, content + " goes on after the " + elements + " data bytes its header declares (" + shape + ")", REFETCH, null);
        }
        return new IdxFile(source, dims, data);
    }

    /**
     * The labels of a label file, each checked to lie in {@code 0..classes-1}.
     *
     * @param classes the number of classes, or 0 to accept any value 0..255
     */
    public static int[] labels(IdxFile labels, int classes) {
        requireNonNull(labels, "labels is null");
        if (labels.rank() != LABEL_RANK) {
            throw new GradlabException(Category.DATA, "IDX file " + labels.source() + " has shape " + labels.shape()
                    + ", but a label file has one dimension. Check that the image and label files are not swapped");
        }
        int[] out = new int[labels.count()];
        for (int i = 0; i < out.length; i++) {
            int v = labels.unsigned(i);
            if (classes > 0 && v >= classes) {
                throw new GradlabException(Category.DATA, "IDX file " + labels.source() + ": label " + v + " of item " + i
                        + " is outside 0.." + (classes - 1) + " (" + classes + " classes). The file is not a label file of this dataset, or it is damaged: "
                        + "download it again, or use the 'idx' dataset, which infers the number of classes");
            }
            out[i] = v;
        }
        return out;
    }

    /** Checks that every item of an image file is {@code rows x columns}. */
    public static void requireImageShape(IdxFile images, int rows, int columns, String dataset) {
        requireNonNull(images, "images is null");
        if (images.rank() != IMAGE_RANK || images.dim(1) != rows || images.dim(2) != columns) {
            throw new GradlabException(Category.DATA, "IDX file " + images.source() + " holds images of shape " + images.shape() + ", but "
                    + dataset + " images are " + rows + "x" + columns + " pixels. Point to the " + dataset
                    + " files, or use the 'idx' dataset for images of other sizes");
        }
    }

    /** Checks that an image file and its label file hold the same number of items. */
    public static void requireSameCount(IdxFile images, IdxFile labels) {
        requireNonNull(images, "images is null");
        requireNonNull(labels, "labels is null");
        if (images.count() != labels.count()) {
            throw new GradlabException(Category.DATA, "IDX files " + images.source() + " and " + labels.source() + " do not match: "
                    + images.count() + " images but " + labels.count() + " labels. Each image file needs the label file of the same split "
                    + "(train-images with train-labels, t10k-images with t10k-labels); download the files again if they are");
        }
    }

    private static String shape(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : "x").append(dims[i]);
        }
        return sb.toString();
    }

    private static String expectedMagic(int requiredRank) {
        return switch (requiredRank) {
            case IMAGE_RANK -> "an image file starts with 0x00000803: unsigned bytes, 3 dimensions";
            case LABEL_RANK -> "a label file starts with 0x00000801: unsigned bytes, 1 dimension";
            case 0 -> "an IDX file of unsigned bytes starts with 0x000008 and its number of dimensions";
            default -> String.format(Locale.ROOT, "expected 0x%08X: unsigned bytes, %d dimensions", (IdxFile.TYPE_UNSIGNED_BYTE << 8) | requiredRank, requiredRank);
        };
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "16-bit integer";
            case 0x0C -> "32-bit integer";
            case 0x0D -> "32-bit float";
            case 0x0E -> "64-bit float";
            default -> "not an IDX type";
        };
    }

    private static GradlabException corrupt(String source, String what, String fix, Throwable cause) {
        String message = "IDX file " + source + ": " + what + ". " + fix;
        return cause == null ? new GradlabException(Category.DATA, message) : new GradlabException(Category.DATA, message, cause);
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
