package io.gradlab.plugins.remedies.init;

import io.gradlab.api.GradlabException;
import java.util.List;
import java.util.Locale;

/**
 * The recommended gain of a nonlinearity, as PyTorch's {@code torch.nn.init.calculate_gain}: relu
 * {@code sqrt(2)}, leaky-relu {@code sqrt(2 / (1 + slope^2))}, tanh {@code 5/3}, selu {@code 3/4},
 * sigmoid, linear and identity {@code 1}.
 */
public final class Gains {
    /** The nonlinearities with a known gain (ids as the activations spell them). */
    public static final List<String> KNOWN = List.of("relu", "leaky-relu", "tanh", "selu", "sigmoid", "linear", "identity");

    /** PyTorch's default negative slope of a leaky ReLU. */
    public static final double DEFAULT_NEGATIVE_SLOPE = 0.01;

    private Gains() {}

    /**
     * The gain of {@code nonlinearity} ({@code leaky_relu} and {@code leaky-relu} are the same).
     *
     * @param negativeSlope the slope of a leaky ReLU (ignored for the others)
     * @param who           the component asking, for the message when the nonlinearity is unknown
     */
    public static double of(String nonlinearity, double negativeSlope, String who) {
        String n = nonlinearity.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (n) {
            case "relu" -> Math.sqrt(2.0);
            case "leaky-relu" -> Math.sqrt(2.0 / (1.0 + negativeSlope * negativeSlope));
            case "tanh" -> 5.0 / 3.0;
            case "selu" -> 0.75;
            case "sigmoid", "linear", "identity" -> 1.0;
            default -> throw new GradlabException(GradlabException.Category.COMPONENT, "initializer '" + who
                    + "': no gain is known for the nonlinearity '" + nonlinearity + "' that follows the layer; set the initializer's"
                    + " 'nonlinearity' parameter to one of " + KNOWN + " (relu suits most ReLU-like activations)");
        };
    }
}
