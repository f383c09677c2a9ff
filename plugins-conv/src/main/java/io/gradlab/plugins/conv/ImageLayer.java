package io.gradlab.plugins.conv;

import io.gradlab.api.nn.Layer;

/** A layer whose output is images: the shape of one output sample, for the layers and diagnostics after it. */
interface ImageLayer extends Layer {
    ImageShape outputShape();

    @Override
    default int[] sampleShape() {
        ImageShape s = outputShape();
        return new int[] {s.channels(), s.height(), s.width()};
    }
}
