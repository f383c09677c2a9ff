package io.gradlab.api.nn;

import io.gradlab.api.tensor.Tensor;
import java.util.List;

/**
 * An activation function applied to a matrix {@code [batch, units]}. Stateless activations extend
 * {@link ElementwiseActivation} and only give a value and a derivative; activations with learnable
 * parameters (PReLU) implement this interface directly.
 */
public interface Activation {
    /** How diagnostics should read this activation's units. */
    enum Family {
        /** Sigmoid-like: a unit saturates where its derivative is below 1% of {@link #maxDerivative()}. */
        SATURATING,
        /** ReLU-like: a unit is dead when its output is zero for every sample. */
        RECTIFYING,
        /** Neither. */
        OTHER
    }

    /** Called once before use with the number of units; allocates parameters if any. */
    default void bind(int units, BuildContext ctx) {}

    /** {@code y = f(x)}, elementwise. */
    void forward(Tensor x, Tensor y);

    /** {@code gradX = f'(x) * gradY}, elementwise; {@code y} is the output of the forward pass. */
    void backward(Tensor x, Tensor y, Tensor gradY, Tensor gradX);

    /** Adds the gradients of learnable parameters (none by default). */
    default void accumulateGradients(Tensor x, Tensor y, Tensor gradY) {}

    default List<Parameter> parameters() {
        return List.of();
    }

    default Family family() {
        return Family.OTHER;
    }

    /** The largest value of the derivative (0.25 for sigmoid, 1 for tanh). */
    default double maxDerivative() {
        return 1.0;
    }

    /**
     * Points where the derivative is discontinuous (0 for ReLU). Gradient checks compare one-sided
     * derivatives there instead of failing.
     */
    default double[] kinks() {
        return new double[0];
    }
}
