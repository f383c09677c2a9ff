package io.gradlab.api.nn;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.tensor.Tensor;

/**
 * A learnable tensor and its gradient. Layers accumulate into {@link #grad()} during the backward
 * pass (the engine zeroes it before each step); optimizers update {@link #value()} in place and
 * leave frozen parameters ({@code trainable == false}) alone.
 */
public final class Parameter {
    /** What a parameter is for: weight decay and initializers treat roles differently. */
    public enum Role {
        WEIGHT,
        BIAS,
        SCALE,
        SHIFT,
        OTHER
    }

    private final String name;
    private final Role role;
    private Tensor value;
    private final Tensor grad;
    private boolean trainable = true;

    public Parameter(String name, Role role, Tensor value) {
        this.name = requireNonNull(name, "name is null");
        this.role = requireNonNull(role, "role is null");
        this.value = requireNonNull(value, "value is null");
        this.grad = Tensor.zeros(value.dtype(), value.shape());
    }

    /** The local name inside its layer: {@code weight}, {@code bias}. */
    public String name() {
        return name;
    }

    public Role role() {
        return role;
    }

    /** The values; a layer reads them here at every pass (a copy of the model may share them, {@link #shareValueOf}). */
    public Tensor value() {
        return value;
    }

    /**
     * Makes this parameter's value the very tensor of {@code source}'s: for the engine's copies of a model, which train
     * on row ranges of one batch ({@link Layer#independentRows()}) with the model's weights where the machine's cores
     * are near each other (where they are far apart the copies' weights are their own, set to the model's at each step).
     * Its own gradient stays its own. The shapes and types must match.
     */
    public void shareValueOf(Parameter source) {
        Tensor v = requireNonNull(source, "source is null").value;
        if (!java.util.Arrays.equals(v.shape(), value.shape()) || v.dtype() != value.dtype()) {
            throw new IllegalArgumentException("parameter " + name + " " + java.util.Arrays.toString(value.shape()) + " cannot share the value of "
                    + source.name + " " + java.util.Arrays.toString(v.shape()));
        }
        this.value = v;
    }

    public Tensor grad() {
        return grad;
    }

    public boolean trainable() {
        return trainable;
    }

    public void setTrainable(boolean trainable) {
        this.trainable = trainable;
    }

    @Override
    public String toString() {
        return name + (trainable ? "" : " (frozen)") + java.util.Arrays.toString(value.shape());
    }
}
