package io.gradlab.plugins.diagnostics;

import java.util.List;

/** The remedies findings point to, each naming a shipped example spec where one exists. */
final class Remedies {
    static final String RELU = "a ReLU-family activation (examples/m05/relu.yaml)";
    static final String BATCHNORM = "batch normalization between each dense layer and its activation (examples/m05/batchnorm.yaml)";
    static final String SKIP = "skip connections (examples/m05/skip.yaml)";
    static final String ADAM = "the Adam optimizer (examples/m05/adam.yaml)";
    static final String BETTER_INIT = "a larger / better-scaled initialization, e.g. He or Xavier (examples/m05/weight-std1.yaml)";
    static final String GRADNORM = "gradient normalization (examples/m05/gradnorm.yaml)";
    static final String LAYERWISE = "layer-wise training (examples/m05/layerwise.yaml)";
    static final String CLIP = "clip gradients by global norm (training.gradient-transforms: [{id: clip-norm, max-norm: 1.0}])";
    static final String SMALLER_LR = "a smaller learning rate (--set training.optimizer.lr=...)";
    static final String LARGER_LR = "a larger learning rate (--set training.optimizer.lr=...) or an adaptive optimizer (examples/m05/adam.yaml)";
    static final String SMALLER_INIT = "a smaller initialization scale (e.g. init: {id: normal, std: 0.01} or a fan-in scaled initializer)";
    static final String RANDOM_INIT = "a random initialization that breaks the symmetry (init: pytorch-default, or {id: normal, std: 0.05})";
    static final String RECURRENT = "for recurrent layers, a recurrent weight with spectral radius near 1, or LSTM/GRU cells (examples/rnn/)";
    static final String LEAKY = "a leaky ReLU-family activation that keeps a gradient for negative inputs (activation: {id: leaky-relu})";
    static final String ZERO_BIAS = "a zero or small positive bias initialization (bias-init: {id: constant, value: 0.01})";

    static final List<String> SATURATION = List.of(RELU, BATCHNORM, SMALLER_INIT, ADAM);
    static final List<String> DEAD = List.of(ZERO_BIAS, LEAKY, SMALLER_LR, BATCHNORM, ADAM);
    static final List<String> EXPLODING = List.of(CLIP, SMALLER_LR, SMALLER_INIT, GRADNORM, BATCHNORM, RECURRENT);
    static final List<String> NON_FINITE = List.of(SMALLER_LR, CLIP, SMALLER_INIT, BATCHNORM);
    static final List<String> TOO_SMALL_UPDATES = List.of(LARGER_LR, RELU, BATCHNORM, BETTER_INIT);
    static final List<String> TOO_LARGE_UPDATES = List.of(SMALLER_LR, CLIP, ADAM);
    static final List<String> SYMMETRY = List.of(RANDOM_INIT, BETTER_INIT);

    private Remedies() {}
}
