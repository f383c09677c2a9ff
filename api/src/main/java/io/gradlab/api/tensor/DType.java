package io.gradlab.api.tensor;

/** Element type of a {@link Tensor}: training runs in {@link #F32} by default, gradient checks in {@link #F64}. */
public enum DType {
    F32,
    F64
}
