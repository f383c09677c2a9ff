package io.gradlab.engine.kernel;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import java.util.List;
import java.util.Optional;

/**
 * Float32 tensors treated as one index space {@code [0, total)}, in order, so that one split task
 * covers all of them: the gradient zeroing, the gradient norms and the SGD update of a training step
 * each make one hand-over to the threads instead of one per tensor (PyTorch's "foreach" kernels do
 * the same). The tensors' arrays are captured when the group is made; a tensor never changes its
 * array, so the group stays valid as long as the tensors are the ones in use.
 */
public final class FloatGroup {
    private final float[][] arrays;
    /** {@code starts[i]} is where tensor {@code i} begins in the index space; {@code starts[size]} is the total. */
    private final long[] starts;

    private FloatGroup(List<Tensor> tensors) {
        this.arrays = new float[tensors.size()][];
        this.starts = new long[tensors.size() + 1];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = tensors.get(i).floats();
            starts[i + 1] = starts[i] + arrays[i].length;
        }
    }

    /** A group of {@code tensors}, or empty when one of them is not float32 (callers then take the per-tensor path). */
    public static Optional<FloatGroup> of(List<Tensor> tensors) {
        requireNonNull(tensors, "tensors is null");
        for (Tensor t : tensors) {
            if (t.dtype() != DType.F32) {
                return Optional.empty();
            }
        }
        return Optional.of(new FloatGroup(tensors));
    }

    /** The number of tensors. */
    public int size() {
        return arrays.length;
    }

    /** The number of elements of all tensors. */
    public long total() {
        return starts[arrays.length];
    }

    /** Whether {@code other} has the same number of tensors with the same sizes, in order. */
    public boolean sameLayout(FloatGroup other) {
        return java.util.Arrays.equals(starts, other.starts);
    }

    float[] array(int i) {
        return arrays[i];
    }

    long start(int i) {
        return starts[i];
    }

    /**
     * Calls {@code segment} for every piece of the index range {@code [from, to)}: the tensor, and
     * the element range within it, in order.
     */
    void forEachSegment(long from, long to, Segment segment) {
        if (from >= to) {
            return;
        }
        int i = first(from);
        for (; i < arrays.length && starts[i] < to; i++) {
            int lo = (int) (Math.max(from, starts[i]) - starts[i]);
            int hi = (int) (Math.min(to, starts[i + 1]) - starts[i]);
            if (lo < hi) {
                segment.run(i, lo, hi);
            }
        }
    }

    /** The tensor that holds index {@code at} (the last tensor whose start is at most {@code at}). */
    private int first(long at) {
        int lo = 0;
        int hi = arrays.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[mid] <= at) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** A piece of one tensor: elements {@code [from, to)} of tensor {@code tensor}. */
    interface Segment {
        void run(int tensor, int from, int to);
    }
}
