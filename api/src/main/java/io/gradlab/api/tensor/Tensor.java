package io.gradlab.api.tensor;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A dense row-major array of {@code float} or {@code double} with a shape. Most tensors in a
 * network are matrices {@code [batch, features]}; vectors are {@code [n]}.
 *
 * <p>Generic code reads and writes through {@link #get(int)} / {@link #set(int, double)}, which work
 * for both element types; the kernels of {@link Ops} do the heavy work. A tensor never changes its
 * size; {@link #reshape} returns a view on the same data, and {@link #slice} a view of a range of
 * rows (a recurrent net's time step, one gate's block): a slice's elements start at
 * {@link #offset()} of the backing array of {@link #floats()} / {@link #doubles()}, which is 0 for
 * every tensor that is not a slice.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    private final int size;
    private final float[] f;
    private final double[] d;
    private final int offset;

    private Tensor(DType dtype, int[] shape, float[] f, double[] d) {
        this(dtype, shape, f, d, 0);
        int length = f != null ? f.length : d.length;
        if (length != size) {
            throw new IllegalArgumentException("data length " + length + " does not match shape " + Arrays.toString(shape));
        }
    }

    private Tensor(DType dtype, int[] shape, float[] f, double[] d, int offset) {
        this.dtype = dtype;
        this.shape = shape;
        this.size = checkedSize(shape);
        this.f = f;
        this.d = d;
        this.offset = offset;
        int length = f != null ? f.length : d.length;
        if (offset < 0 || (long) offset + size > length) {
            throw new IllegalArgumentException("a view of " + Arrays.toString(shape) + " at " + offset + " does not fit " + length + " elements");
        }
    }

    private static int checkedSize(int[] shape) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("a tensor needs at least one dimension");
        }
        long n = 1;
        for (int s : shape) {
            if (s < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= s;
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " is too large");
        }
        return (int) n;
    }

    public static Tensor zeros(DType dtype, int... shape) {
        requireNonNull(dtype, "dtype is null");
        int[] s = shape.clone();
        int n = checkedSize(s);
        return dtype == DType.F32 ? new Tensor(dtype, s, new float[n], null) : new Tensor(dtype, s, null, new double[n]);
    }

    /** Wraps (does not copy) a float array. */
    public static Tensor wrap(float[] data, int... shape) {
        return new Tensor(DType.F32, shape.clone(), requireNonNull(data, "data is null"), null);
    }

    /** Wraps (does not copy) a double array. */
    public static Tensor wrap(double[] data, int... shape) {
        return new Tensor(DType.F64, shape.clone(), null, requireNonNull(data, "data is null"));
    }

    /** A new tensor of the given type holding a copy of {@code values}. */
    public static Tensor of(DType dtype, double[] values, int... shape) {
        Tensor t = zeros(dtype, shape);
        if (values.length != t.size) {
            throw new IllegalArgumentException(values.length + " values do not fit shape " + Arrays.toString(shape));
        }
        for (int i = 0; i < values.length; i++) {
            t.set(i, values[i]);
        }
        return t;
    }

    public DType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int size() {
        return size;
    }

    /** The first dimension (the batch for activations). */
    public int rows() {
        return shape[0];
    }

    /** The product of all dimensions but the first (1 for a vector's elements counted as rows... see {@link #rank}). */
    public int cols() {
        return shape[0] == 0 ? 0 : size / shape[0];
    }

    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    public double get(int i) {
        return f != null ? f[offset + i] : d[offset + i];
    }

    public void set(int i, double value) {
        if (f != null) {
            f[offset + i] = (float) value;
        } else {
            d[offset + i] = value;
        }
    }

    /** Where this tensor's elements start in its backing array: 0 unless it is a {@link #slice}. */
    public int offset() {
        return offset;
    }

    /**
     * Rows {@code [from, to)} along the first dimension, as a view sharing this tensor's data (no
     * copy): shape {@code [to - from, dims 1..]}. Create slices once (when the batch size is known),
     * not per step.
     */
    public Tensor slice(int from, int to) {
        if (from < 0 || to > shape[0] || from > to) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") of " + Arrays.toString(shape));
        }
        int[] s = shape.clone();
        s[0] = to - from;
        int rowSize = shape[0] == 0 ? 0 : size / shape[0];
        return new Tensor(dtype, s, f, d, offset + from * rowSize);
    }

    /** Whether {@code other} is a view of the same backing array. */
    public boolean sharesData(Tensor other) {
        return (f != null && f == other.f) || (d != null && d == other.d);
    }

    /** Element {@code (r, c)} of a matrix view {@code [rows(), cols()]}. */
    public double get(int r, int c) {
        return get(r * cols() + c);
    }

    public void set(int r, int c, double value) {
        set(r * cols() + c, value);
    }

    /** The backing float array (this tensor's elements start at {@link #offset()}); fails unless {@link DType#F32}. */
    public float[] floats() {
        if (f == null) {
            throw new IllegalStateException("tensor is " + dtype + ", not F32");
        }
        return f;
    }

    /** The backing double array (this tensor's elements start at {@link #offset()}); fails unless {@link DType#F64}. */
    public double[] doubles() {
        if (d == null) {
            throw new IllegalStateException("tensor is " + dtype + ", not F64");
        }
        return d;
    }

    public void fill(double value) {
        if (f != null) {
            Arrays.fill(f, offset, offset + size, (float) value);
        } else {
            Arrays.fill(d, offset, offset + size, value);
        }
    }

    /** Copies {@code src} into this tensor; sizes must match, types may differ. */
    public void copyFrom(Tensor src) {
        if (src.size != size) {
            throw new IllegalArgumentException("cannot copy " + Arrays.toString(src.shape) + " into " + Arrays.toString(shape));
        }
        if (f != null && src.f != null) {
            System.arraycopy(src.f, src.offset, f, offset, size);
        } else if (d != null && src.d != null) {
            System.arraycopy(src.d, src.offset, d, offset, size);
        } else {
            for (int i = 0; i < size; i++) {
                set(i, src.get(i));
            }
        }
    }

    public Tensor copy() {
        return f != null ? new Tensor(dtype, shape.clone(), Arrays.copyOfRange(f, offset, offset + size), null)
                : new Tensor(dtype, shape.clone(), null, Arrays.copyOfRange(d, offset, offset + size));
    }

    /** A copy converted to {@code target} (a plain copy when already of that type). */
    public Tensor to(DType target) {
        Tensor t = zeros(target, shape);
        t.copyFrom(this);
        return t;
    }

    /** A view with another shape of the same size, sharing the data. */
    public Tensor reshape(int... newShape) {
        int[] s = newShape.clone();
        if (checkedSize(s) != size) {
            throw new IllegalArgumentException("cannot view " + Arrays.toString(shape) + " as " + Arrays.toString(s));
        }
        return new Tensor(dtype, s, f, d, offset);
    }

    /** The elements as doubles (a copy). */
    public double[] toDoubleArray() {
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = get(i);
        }
        return out;
    }

    /** Whether every element is finite. */
    public boolean allFinite() {
        return f != null ? allFinite(f, offset, offset + size) : allFinite(d, offset, offset + size);
    }

    /** Elements per block of the finite scans: a non-finite value ends the scan at the end of its block. */
    private static final int FINITE_BLOCK = 1024;

    /*
     * x * 0 is 0 for every finite x and NaN for NaN and the infinities, and 0 + 0 stays 0 while
     * anything + NaN is NaN: the sum of x * 0 over a block is NaN exactly when the block holds a
     * non-finite value. Eight independent sums keep the adds from waiting on each other (the JIT does
     * not vectorise a float reduction), about 1.6 times the speed of a Float.isFinite test per element.
     */
    private static boolean allFinite(float[] a, int start, int n) {
        for (int from = start; from < n; from += FINITE_BLOCK) {
            int to = Math.min(n, from + FINITE_BLOCK);
            float s0 = 0;
            float s1 = 0;
            float s2 = 0;
            float s3 = 0;
            float s4 = 0;
            float s5 = 0;
            float s6 = 0;
            float s7 = 0;
            int i = from;
            for (; i + 7 < to; i += 8) {
                s0 += a[i] * 0f;
                s1 += a[i + 1] * 0f;
                s2 += a[i + 2] * 0f;
                s3 += a[i + 3] * 0f;
                s4 += a[i + 4] * 0f;
                s5 += a[i + 5] * 0f;
                s6 += a[i + 6] * 0f;
                s7 += a[i + 7] * 0f;
            }
            for (; i < to; i++) {
                s0 += a[i] * 0f;
            }
            if (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) != 0f) {
                return false;
            }
        }
        return true;
    }

    private static boolean allFinite(double[] a, int start, int n) {
        for (int from = start; from < n; from += FINITE_BLOCK) {
            int to = Math.min(n, from + FINITE_BLOCK);
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int i = from;
            for (; i + 3 < to; i += 4) {
                s0 += a[i] * 0d;
                s1 += a[i + 1] * 0d;
                s2 += a[i + 2] * 0d;
                s3 += a[i + 3] * 0d;
            }
            for (; i < to; i++) {
                s0 += a[i] * 0d;
            }
            if ((s0 + s1) + (s2 + s3) != 0d) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(dtype).append(Arrays.toString(shape));
        if (size <= 16) {
            sb.append(Arrays.toString(toDoubleArray()));
        }
        return sb.toString();
    }
}
