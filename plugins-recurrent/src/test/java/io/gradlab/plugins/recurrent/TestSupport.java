package io.gradlab.plugins.recurrent;

import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.testkit.ReferenceOps;

/** A build context with a chosen weight scale (on the test kit's reference kernels) for the plugin's tests. */
final class TestSupport {
    private TestSupport() {}

    /** The test kit's seeded stream. */
    static SeededRandom random(long seed) {
        return new SeededRandom(seed);
    }

    /** A build context drawing weights from N(0, std^2) and zero biases. */
    static final class Context implements BuildContext {
        private final DType dtype;
        private final Ops ops;
        private final SeededRandom random;
        private final double std;

        Context(DType dtype, long seed, double std) {
            this(dtype, new ReferenceOps(), seed, std);
        }

        Context(DType dtype, Ops ops, long seed, double std) {
            this.dtype = dtype;
            this.ops = ops;
            this.random = new SeededRandom(seed);
            this.std = std;
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
            return random.fork("layer");
        }

        @Override
        public void initializeWeight(Parameter weight, Fan fan) {
            for (int i = 0; i < weight.value().size(); i++) {
                weight.value().set(i, std * random.nextGaussian());
            }
        }

        @Override
        public void initializeBias(Parameter bias, Fan fan) {
            bias.value().fill(0);
        }
    }

    static Tensor normal(DType dtype, RandomSource random, double std, int... shape) {
        Tensor t = Tensor.zeros(dtype, shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, std * random.nextGaussian());
        }
        return t;
    }
}
