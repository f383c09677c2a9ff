package io.gradlab.api.diag;

import java.util.List;

/** The leaf layers of the model from input to output, and the run's position. */
public interface ModelView {
    List<LayerView> layers();

    /** The weighted layers only (dense, recurrent), from input to output. */
    List<LayerView> weightedLayers();

    int epoch();

    /** The number of epochs the run plans, or 0 when unknown (diagnostics that act on the last epoch use it). */
    default int epochs() {
        return 0;
    }

    /** Steps since the start of the run. */
    long step();

    /** The loss of the current step. */
    double loss();
}
