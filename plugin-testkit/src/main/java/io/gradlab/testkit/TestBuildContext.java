package io.gradlab.testkit;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;

/**
 * A {@link BuildContext} for tests: an element type, {@link ReferenceOps} (or other kernels: {@link
 * #withOps}), a {@link SeededRandom} and
 * the weight and bias initializers ({@link #DEFAULT_INITIALIZER} for both unless given). Two
 * contexts made with the same seed hand out the same numbers; building in {@link DType#F32} and
 * {@link DType#F64} with one seed gives the same values up to float rounding.
 *
 * <p>Immutable apart from the random stream it carries; {@code with...} methods return a new
 * context with a fresh stream from the same seed.
 */
public final class TestBuildContext implements BuildContext {
    /**
     * Draws every weight and bias from normal(0, 0.5): non-zero biases exercise the bias gradients and
     * keep pre-activations away from exact kinks, and the scale keeps outputs well inside float range.
     */
    public static final Initializer DEFAULT_INITIALIZER = new Initializer() {
        @Override
        public void initialize(Tensor weight, Fan fan, RandomSource random) {
            for (int i = 0; i < weight.size(); i++) {
                weight.set(i, random.normal(0.0, 0.5));
            }
        }

        @Override
        public void initializeBias(Tensor bias, Fan fan, RandomSource random) {
            initialize(bias, fan, random);
        }

        @Override
        public String toString() {
            return "normal(0, 0.5)";
        }
    };

    private final DType dtype;
    private final long seed;
    private final Ops ops;
    private final SeededRandom random;
    private final Initializer weightInitializer;
    private final Initializer biasInitializer;

    public TestBuildContext(DType dtype, long seed, Initializer weightInitializer, Initializer biasInitializer) {
        this(dtype, seed, weightInitializer, biasInitializer, new ReferenceOps());
    }

    private TestBuildContext(DType dtype, long seed, Initializer weightInitializer, Initializer biasInitializer, Ops ops) {
        this.dtype = requireNonNull(dtype, "dtype is null");
        this.seed = seed;
        this.weightInitializer = requireNonNull(weightInitializer, "weightInitializer is null");
        this.biasInitializer = requireNonNull(biasInitializer, "biasInitializer is null");
        this.ops = requireNonNull(ops, "ops is null");
        this.random = new SeededRandom(seed);
    }

    public TestBuildContext(DType dtype, long seed) {
        this(dtype, seed, DEFAULT_INITIALIZER, DEFAULT_INITIALIZER);
    }

    /** This context with another weight initializer (whose bias rule also initializes biases). */
    public TestBuildContext withInitializer(Initializer initializer) {
        return new TestBuildContext(dtype, seed, initializer, initializer, ops);
    }

    /** This context with another bias initializer. */
    public TestBuildContext withBiasInitializer(Initializer initializer) {
        return new TestBuildContext(dtype, seed, weightInitializer, initializer, ops);
    }

    /** The same settings in another element type, with a fresh stream from the same seed. */
    public TestBuildContext withDType(DType other) {
        return new TestBuildContext(other, seed, weightInitializer, biasInitializer, ops);
    }

    /**
     * This context with other kernels (an engine's fast ones instead of {@link ReferenceOps}), so that
     * a contract runs a component through the code paths a training run takes.
     */
    public TestBuildContext withOps(Ops other) {
        return new TestBuildContext(dtype, seed, weightInitializer, biasInitializer, other);
    }

    public long seed() {
        return seed;
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
    public SeededRandom random() {
        return random;
    }

    @Override
    public void initializeWeight(Parameter weight, Fan fan) {
        requireNonNull(weight, "weight is null");
        requireNonNull(fan, "fan is null");
        weightInitializer.initialize(weight.value(), fan, random);
    }

    @Override
    public void initializeBias(Parameter bias, Fan fan) {
        requireNonNull(bias, "bias is null");
        requireNonNull(fan, "fan is null");
        biasInitializer.initializeBias(bias.value(), fan, random);
    }

    @Override
    public String toString() {
        return "TestBuildContext[" + dtype + ", seed=" + seed + ", init=" + weightInitializer + ", ops=" + ops.backend() + "]";
    }
}
