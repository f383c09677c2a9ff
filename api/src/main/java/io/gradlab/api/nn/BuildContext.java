package io.gradlab.api.nn;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.RandomSource;

/** What a layer receives when it is built: element type, kernels, its own random stream and the configured initializers. */
public interface BuildContext {
    DType dtype();

    Ops ops();

    /** A random stream for the layer being built (forked by layer name from the run seed). */
    RandomSource random();

    /** Initializes a weight tensor with the configured weight initializer. */
    void initializeWeight(Parameter weight, Fan fan);

    /** Initializes a bias with the configured bias initializer (the weight initializer's bias rule by default). */
    void initializeBias(Parameter bias, Fan fan);
}
