package io.gradlab.engine.weights;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.run.RunFolder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's {@code .npy} format (version 1.0: magic, header dict padded to 64 bytes, little-endian
 * C-order data) and {@code .npz} (a zip of {@code <name>.npy} entries, read with {@code numpy.load}).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

    private Npy() {}

    /** The {@code .npy} bytes of one tensor. */
    public static byte[] encode(Tensor tensor) {
        requireNonNull(tensor, "tensor is null");
        boolean f32 = tensor.dtype() == DType.F32;
        StringJoiner shape = new StringJoiner(", ", "(", tensor.rank() == 1 ? ",)" : ")");
        for (int d : tensor.shape()) {
            shape.add(Integer.toString(d));
        }
        String dict = "{'descr': '" + (f32 ? "<f4" : "<f8") + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        int dataBytes = tensor.size() * (f32 ? 4 : 8);
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 2 + header.length() + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC);
        out.putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.US_ASCII));
        if (f32) {
            out.asFloatBuffer().put(tensor.floats());
        } else {
            out.asDoubleBuffer().put(tensor.doubles());
        }
        return out.array();
    }

    /** The {@code .npy} bytes of a count: an int64 scalar ({@code '<i8'}, shape {@code ()}). */
    public static byte[] encodeCount(long count) {
        String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (), }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(padding) + "\n";
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 2 + header.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC);
        out.putShort((short) header.length());
        out.put(header.getBytes(StandardCharsets.US_ASCII));
        out.putLong(count);
        return out.array();
    }

    /** The {@code .npz} bytes of named tensors (stored, uncompressed). */
    public static byte[] encodeArchive(Map<String, Tensor> tensors) {
        return encodeArchive(tensors, Set.of());
    }

    /**
     * The {@code .npz} bytes of named tensors (stored, uncompressed); those named in {@code counts} as int64 scalars
     * ({@link SafeTensors#encode(Map, Map, Set)}).
     */
    public static byte[] encodeArchive(Map<String, Tensor> tensors, Set<String> counts) {
        requireNonNull(tensors, "tensors is null");
        requireNonNull(counts, "counts is null");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                byte[] npy = counts.contains(e.getKey()) ? encodeCount(SafeTensors.count(e.getKey(), e.getValue())) : encode(e.getValue());
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(npy.length);
                entry.setCompressedSize(npy.length);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(npy);
                entry.setCrc(crc.getValue());
                entry.setTime(0);
                zip.putNextEntry(entry);
                zip.write(npy);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Writes an {@code .npz} file atomically. */
    public static void writeArchive(Path file, Map<String, Tensor> tensors) {
        writeArchive(file, tensors, Set.of());
    }

    /** Writes an {@code .npz} file atomically, {@code counts} as int64 scalars. */
    public static void writeArchive(Path file, Map<String, Tensor> tensors, Set<String> counts) {
        RunFolder.writeAtomically(requireNonNull(file, "file is null"), encodeArchive(tensors, counts));
    }
}
