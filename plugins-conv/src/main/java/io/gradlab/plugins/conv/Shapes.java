package io.gradlab.plugins.conv;

import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Layer;

/** The one-line shape errors of the image layers. */
final class Shapes {
    private Shapes() {}

    /** Fails unless {@code inputWidth} is the size of {@code shape}: the data or the previous layer does not match. */
    static void requireWidth(Layer layer, ImageShape shape, int inputWidth) {
        if (inputWidth != shape.size()) {
            throw new GradlabException(GradlabException.Category.SPEC, "layer '" + layer.name() + "' (" + layer.type() + ") expects images of "
                    + shape + " (" + shape.size() + " features) but its input has " + inputWidth + " features per sample;"
                    + " set its input shape (channels x height x width) to what the previous layer or the data gives");
        }
    }

    /** Fails unless {@code actual} has the channels that {@code layer} was made for. */
    static void requireChannels(String layer, String type, int expected, ImageShape actual) {
        if (actual.channels() != expected) {
            throw new GradlabException(GradlabException.Category.SPEC, "layer '" + layer + "' (" + type + ") is made for " + expected
                    + " channels but its input is " + actual + " (" + actual.channels() + " channels); make the channels match");
        }
    }
}
