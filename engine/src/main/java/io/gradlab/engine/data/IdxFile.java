package io.gradlab.engine.data;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * The content of one IDX file of unsigned bytes (the MNIST format): its dimensions and its data in
 * row-major order. {@code dims[0]} is the number of items (images or labels); the remaining
 * dimensions give the shape of one item.
 */
public final class IdxFile {
    /** The type code of unsigned bytes, the only element type gradlab reads. */
    public static final int TYPE_UNSIGNED_BYTE = 0x08;

    private final String source;
    private final int[] dims;
    private final byte[] data;

    /**
     * @param source where the data came from (a path or a classpath resource), for messages
     * @param dims   the dimensions, at least one, none negative
     * @param data   the elements; its length is the product of {@code dims}
     */
    public IdxFile(String source, int[] dims, byte[] data) {
        requireNonNull(source, "source is null");
        requireNonNull(dims, "dims is null");
        requireNonNull(data, "data is null");
        if (dims.length == 0) {
            throw new IllegalArgumentException(source + ": an IDX file has at least one dimension");
        }
        long product = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(source + ": negative dimension in " + Arrays.toString(dims));
            }
            product *= d;
        }
        if (product != data.length) {
            throw new IllegalArgumentException(source + ": " + data.length + " bytes do not match dimensions " + Arrays.toString(dims));
        }
        this.source = source;
        this.dims = dims.clone();
        this.data = data;
    }

    public String source() {
        return source;
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int i) {
        return dims[i];
    }

    /** The number of items: the first dimension. */
    public int count() {
        return dims[0];
    }

    /** The number of elements in one item: the product of all dimensions but the first. */
    public int itemSize() {
        int size = 1;
        for (int i = 1; i < dims.length; i++) {
            size *= dims[i];
        }
        return size;
    }

    /** The magic number this file has: {@code 0x0000 08 rank}. */
    public int magic() {
        return (TYPE_UNSIGNED_BYTE << 8) | dims.length;
    }

    /** Element {@code i} as an unsigned value in {@code 0..255}. */
    public int unsigned(int i) {
        return data[i] & 0xFF;
    }

    /** The raw backing bytes (read-only by convention). */
    public byte[] data() {
        return data;
    }

    /** The elements as floats scaled to {@code [0, 1]} (divided by 255). */
    public float[] toUnitFloats() {
        float[] out = new float[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = (data[i] & 0xFF) / 255f;
        }
        return out;
    }

    /** A shape such as {@code 60000x28x28}. */
    public String shape() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : "x").append(dims[i]);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return source + " (" + shape() + ")";
    }
}
