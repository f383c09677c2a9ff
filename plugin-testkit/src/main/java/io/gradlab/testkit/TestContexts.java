package io.gradlab.testkit;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentFactory.CreateContext;
import io.gradlab.api.ComponentId;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabPlugin;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.Params;
import io.gradlab.api.ParamsValidator;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.Tensor;
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
    public static Params params(ComponentFactory<?> factory, Map<String, ?> raw) {
        requireNonNull(factory, "factory is null");
        requireNonNull(raw, "raw is null");
        @SuppressWarnings("unchecked")
        Map<String, Object> values = (Map<String, Object>) raw;
        return ParamsValidator.validate(factory, values, WHERE);
    }

    /**
     * A new component made by {@code factory} with the validated {@code raw} values, named after the
     * factory's id (a layer is unbuilt). Not for architectures and datasets, which need a model builder or
     * a data context: call {@link ComponentFactory#create} with {@code CreateContext.of(name, builder)} for those.
     */
    public static <T> T create(ComponentFactory<T> factory, Map<String, ?> raw) {
        return create(factory, raw, factory.id().value());
    }

    /** A new component named {@code name} (the layer name, for layers and normalizers). */
    public static <T> T create(ComponentFactory<T> factory, Map<String, ?> raw, String name) {
        T made = factory.create(params(factory, raw), CreateContext.of(name));
        return requireNonNull(made, () -> factory.id() + ": create returned null");
    }

    /** A new activation, {@link Activation#bind bound} to {@code units} units in {@code ctx}. */
    public static Activation boundActivation(ComponentFactory<Activation> factory, Map<String, ?> raw, int units, TestBuildContext ctx) {
        Activation activation = create(factory, raw);
        activation.bind(units, ctx);
        return activation;
    }

    /**
     * A parameterless factory of {@code kind} around a supplier, so that a component that has no factory
     * of its own (or a test double) can be run through the contracts and {@link GradientCheck}:
     * {@code TestContexts.factory(ComponentKind.LAYER, "my-layer", () -> new MyLayer(3))}.
     */
    public static <T> ComponentFactory<T> factory(ComponentKind<T> kind, String id, Supplier<? extends T> supplier) {
        requireNonNull(supplier, "supplier is null");
        return ComponentFactory.of(kind, id, id + " (from a supplier)", List.<ParameterSpec>of(), p -> supplier.get());
    }

    /** The factories of {@code kind} among {@code plugin}'s components, in its order. */
    public static <T> List<ComponentFactory<T>> factories(GradlabPlugin plugin, ComponentKind<T> kind) {
        requireNonNull(kind, "kind is null");
        return plugin.components().stream().filter(f -> f.kind() == kind).map(f -> f.as(kind)).toList();
    }

    /**
     * The factory of {@code kind} and {@code id} among {@code plugin}'s components: what a plugin's own
     * contract tests check, {@code TestContexts.factory(new MyPlugin(), ComponentKind.ACTIVATION, "cube")}.
     *
     * @throws AssertionError when the plugin contributes no such component
     */
    public static <T> ComponentFactory<T> factory(GradlabPlugin plugin, ComponentKind<T> kind, String id) {
        List<ComponentFactory<T>> ofKind = factories(plugin, kind);
        return ofKind.stream().filter(f -> f.id().value().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError(plugin.name() + " contributes no " + kind.label() + " '" + id + "'; its "
                        + kind.plural() + ": " + ofKind.stream().map(f -> f.id().value()).toList()));
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
