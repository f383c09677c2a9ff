package io.gradlab.cli.study;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The gradient at the start of training of one network of the resnet study: each 3x3 convolution's
 * weight-gradient norm over the first step(s) of a fresh network, with or without batch norm.
 *
 * @param convGrads the convolutions' ||dL/dW|| from the input side to the output side; empty when the probe failed
 * @param error     why the probe failed, or null
 */
record StartGradients(int depth, boolean residual, boolean batchNorm, List<ResnetOutcome.ConvGrad> convGrads, String error) {
    StartGradients {
        convGrads = List.copyOf(requireNonNull(convGrads, "convGrads is null"));
    }

    /** {@code plain20-bn}, {@code resnet20-nobn}. */
    String key() {
        return (residual ? "resnet" : "plain") + depth + (batchNorm ? "-bn" : "-nobn");
    }

    double firstLastRatio() {
        return ResnetOutcome.firstLastRatio(convGrads);
    }
}
