package io.gradlab.testkit;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentId;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.Params;
import io.gradlab.api.ParamsValidator;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.spi.ActivationFactory;
import io.gradlab.api.spi.InitializerFactory;
import io.gradlab.api.spi.LayerFactory;
import io.gradlab.api.spi.LossFactory;
import io.gradlab.api.spi.NormalizerFactory;
import io.gradlab.api.spi.OptimizerFactory;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.Optimizer;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Build contexts, validated parameters, component instances and random tensors for tests, without
 * the engine. Parameters always go through {@link ParamsValidator}, exactly as the host does it.
 */
public final class TestContexts {
    /** The seed the test kit uses unless told otherwise. */
    public static final long DEFAULT_SEED = 42L;

    /** Where validated test values say they came from in messages. */
    static final String WHERE = "test";

    private TestContexts() {}

    /** A build context of the given type and seed with the default normal(0, 0.5) initializer. */
    public static TestBuildContext context(DType dtype, long seed) {
        return new TestBuildContext(dtype, seed);
    }

    public static TestBuildContext f64(long seed) {
        return context(DType.F64, seed);
    }

    public static TestBuildContext f32(long seed) {
        return context(DType.F32, seed);
    }

    public static TestBuildContext f64() {
        return f64(DEFAULT_SEED);
    }

    /** The raw values validated against the factory's declared parameters (defaults filled in). */
    public static Params params(ComponentFactory factory, Map<String, ?> raw) {
        requireNonNull(factory, "factory is null");
        requireNonNull(raw, "raw is null");
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) raw;
        return ParamsValidator.validate(factory, values, WHERE);
    }

    public static Activation activation(ActivationFactory factory, Map<String, ?> raw) {
        return requireNonNull(factory.create(params(factory, raw)), () -> factory.id() + ": create returned null");
    }

    /** A new activation, {@link Activation#bind bound} to {@code units} units in {@code ctx}. */
    public static Activation boundActivation(ActivationFactory factory, Map<String, ?> raw, int units, TestBuildContext ctx) {
        Activation activation = activation(factory, raw);
        activation.bind(units, ctx);
        return activation;
    }

    /** A new unbuilt layer. */
    public static Layer layer(LayerFactory factory, Map<String, ?> raw, String name) {
        return requireNonNull(factory.create(params(factory, raw), name), () -> factory.id() + ": create returned null");
    }

    /** A new unbuilt normalization layer. */
    public static Layer normalizer(NormalizerFactory factory, Map<String, ?> raw, String name) {
        return requireNonNull(factory.create(params(factory, raw), name), () -> factory.id() + ": create returned null");
    }

    public static Loss loss(LossFactory factory, Map<String, ?> raw) {
        return requireNonNull(factory.create(params(factory, raw)), () -> factory.id() + ": create returned null");
    }

    public static Initializer initializer(InitializerFactory factory, Map<String, ?> raw) {
        return requireNonNull(factory.create(params(factory, raw)), () -> factory.id() + ": create returned null");
    }

    public static Optimizer optimizer(OptimizerFactory factory, Map<String, ?> raw) {
        return requireNonNull(factory.create(params(factory, raw)), () -> factory.id() + ": create returned null");
    }

    /**
     * A parameterless {@link LayerFactory} around a supplier, so that a layer that has no factory of
     * its own (or a test double) can be run through {@link LayerContract} and {@link GradientCheck}.
     */
    public static LayerFactory layerFactory(String id, Supplier<? extends Layer> supplier) {
        requireNonNull(supplier, "supplier is null");
        return LayerFactory.of(id, id + " (from a supplier)", List.<ParameterSpec>of(), (p, name) -> supplier.get());
    }

    /** A parameterless {@link NormalizerFactory} around a supplier. */
    public static NormalizerFactory normalizerFactory(String id, Supplier<? extends Layer> supplier) {
        requireNonNull(supplier, "supplier is null");
        return NormalizerFactory.of(id, id + " (from a supplier)", List.<ParameterSpec>of(), (p, name) -> supplier.get());
    }

    /** A parameterless {@link ActivationFactory} around a supplier. */
    public static ActivationFactory activationFactory(String id, Supplier<? extends Activation> supplier) {
        requireNonNull(supplier, "supplier is null");
        return ActivationFactory.of(id, id + " (from a supplier)", List.<ParameterSpec>of(), p -> supplier.get());
    }

    /** A parameterless {@link LossFactory} around a supplier. */
    public static LossFactory lossFactory(String id, Supplier<? extends Loss> supplier) {
        requireNonNull(supplier, "supplier is null");
        return LossFactory.of(id, id + " (from a supplier)", List.<ParameterSpec>of(), p -> supplier.get());
    }

    /** A tensor of normal(0, std) values. */
    public static Tensor randomNormal(DType dtype, RandomSource random, double std, int... shape) {
        Tensor t = Tensor.zeros(dtype, shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, random.normal(0.0, std));
        }
        return t;
    }

    /** A tensor of uniform values in {@code [lo, hi)}. */
    public static Tensor randomUniform(DType dtype, RandomSource random, double lo, double hi, int... shape) {
        Tensor t = Tensor.zeros(dtype, shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, random.uniform(lo, hi));
        }
        return t;
    }

    /** {@code id} as a validated {@link ComponentId} (for components made from suppliers). */
    static ComponentId id(String id) {
        return ComponentId.of(id);
    }
}
