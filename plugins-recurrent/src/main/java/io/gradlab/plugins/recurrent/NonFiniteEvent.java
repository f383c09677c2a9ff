package io.gradlab.plugins.recurrent;

import static java.util.Objects.requireNonNull;

/**
 * The first non-finite value a recurrent layer met in a pass.
 *
 * @param layer    the layer's name
 * @param phase    {@code forward} (a hidden or cell state) or {@code backward} (the gradient dL/dh_t)
 * @param timeStep the time step t (0-based) where it appeared: in the forward pass the earliest, in the
 *                 backward pass, which runs from the last step down, the latest
 * @param steps    the sequence length T
 * @param what     what held it ({@code hidden state h_t}, {@code cell state c_t}, {@code gradient dL/dh_t})
 * @param value    the offending value (NaN or an infinity)
 */
public record NonFiniteEvent(String layer, String phase, int timeStep, int steps, String what, double value) {
    public NonFiniteEvent {
        requireNonNull(layer, "layer is null");
        requireNonNull(phase, "phase is null");
        requireNonNull(what, "what is null");
    }

    /** One sentence for messages. */
    public String describe() {
        return "the " + what + " of recurrent layer '" + layer + "' became " + value + " at time step " + timeStep
                + " of " + steps + " (0-based) in the " + phase + " pass";
    }
}
