package io.gradlab.plugins.remedies.support;

import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.RandomSource;

/** A build context with normal(0, 0.5) weights and normal(0, 0.1) biases. */
public final class TestContext implements BuildContext {
    private final DType dtype;
    private final RandomSource random;
    private final Ops ops = new TestOps();

    public TestContext(DType dtype, long seed) {
        this.dtype = dtype;
        this.random = new TestRandom(seed);
    }

    public static TestContext f64() {
        return new TestContext(DType.F64, 42);
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
        return random;
    }

    @Override
    public void initializeWeight(Parameter weight, Fan fan) {
        for (int i = 0; i < weight.value().size(); i++) {
            weight.value().set(i, random.normal(0, 0.5));
        }
    }

    @Override
    public void initializeBias(Parameter bias, Fan fan) {
        for (int i = 0; i < bias.value().size(); i++) {
            bias.value().set(i, random.normal(0, 0.1));
        }
    }
}
