package io.gradlab.api.tensor;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * Tensors of one element type taken together, so that {@link Ops#mapEach} and {@link Ops#sumEach}
 * cover all of them in one pass split over the kernel threads (PyTorch's "foreach" kernels): an
 * optimizer's update of every parameter, the zeroing of every gradient, the norm of each. Make a
 * group once (when the parameters are bound), not per step.
 */
public final class TensorGroup {
    private final Tensor[] tensors;
    private final long total;

    private TensorGroup(Tensor[] tensors) {
        this.tensors = tensors;
        long n = 0;
        for (Tensor t : tensors) {
            n += t.size();
        }
        this.total = n;
    }

    /** A group of {@code tensors}, all of one element type. */
    public static TensorGroup of(List<Tensor> tensors) {
        requireNonNull(tensors, "tensors is null");
        Tensor[] ts = tensors.toArray(new Tensor[0]);
        for (Tensor t : ts) {
            requireNonNull(t, "a tensor is null");
            if (t.dtype() != ts[0].dtype()) {
                throw new IllegalArgumentException("a group holds tensors of one type, not " + ts[0].dtype() + " and " + t.dtype());
            }
        }
        return new TensorGroup(ts);
    }

    /** The number of tensors. */
    public int size() {
        return tensors.length;
    }

    public Tensor get(int i) {
        return tensors[i];
    }

    /** The element type, or {@code null} for an empty group. */
    public DType dtype() {
        return tensors.length == 0 ? null : tensors[0].dtype();
    }

    /** The number of elements of all tensors. */
    public long total() {
        return total;
    }

    /** Whether {@code other} has as many tensors, each of the same size as this group's. */
    public boolean sameLayout(TensorGroup other) {
        if (other.tensors.length != tensors.length) {
            return false;
        }
        for (int i = 0; i < tensors.length; i++) {
            if (tensors[i].size() != other.tensors[i].size()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "TensorGroup" + Arrays.stream(tensors).map(t -> Arrays.toString(t.shape())).toList();
    }
}
