package io.gradlab.plugins.conv;

/** A layer whose output is images: the shape of one output sample, for the layers and diagnostics after it. */
interface ImageLayer {
    ImageShape outputShape();
}
