package io.gradlab.api.diag;

import java.util.List;

/** The leaf layers of the model from input to output, and the run's position. */
public interface ModelView {
    List<LayerView> layers();

    /** The weighted layers only (dense, recurrent), from input to output. */
    List<LayerView> weightedLayers();

    int epoch();

    /** Steps since the start of the run. */
    long step();

    /** The loss of the current step. */
    double loss();
}
