package io.gradlab.engine.nn;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.RandomSource;

/**
 * The engine's {@link BuildContext}. Each call of {@link #random()} forks a new stream from the model
 * stream by a counter, so a model built in the same order draws the same numbers.
 */
public final class DefaultBuildContext implements BuildContext {
    private final DType dtype;
    private final Ops ops;
    private final RandomSource modelRandom;
    private final Initializer weightInit;
    private final Initializer biasInit;
    private int streams;

    /** @param biasInit the bias initializer, or {@code null} for {@code weightInit}'s bias rule */
    public DefaultBuildContext(DType dtype, Ops ops, RandomSource modelRandom, Initializer weightInit, Initializer biasInit) {
        this.dtype = requireNonNull(dtype, "dtype is null");
        this.ops = requireNonNull(ops, "ops is null");
        this.modelRandom = requireNonNull(modelRandom, "modelRandom is null");
        this.weightInit = requireNonNull(weightInit, "weightInit is null");
        this.biasInit = biasInit;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public Ops ops() {
        return ops;
    }

    @Override
    public RandomSource random() {
        return modelRandom.fork("stream-" + (streams++));
    }

    @Override
    public void initializeWeight(Parameter weight, Fan fan) {
        weightInit.initialize(weight.value(), fan, random());
    }

    @Override
    public void initializeBias(Parameter bias, Fan fan) {
        if (biasInit != null) {
            biasInit.initialize(bias.value(), fan, random());
        } else {
            weightInit.initializeBias(bias.value(), fan, random());
        }
    }
}
