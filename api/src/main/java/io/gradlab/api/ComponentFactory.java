package io.gradlab.api;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.data.DataContext;
import io.gradlab.api.nn.ModelBuilder;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Makes components of one kind and id. The metadata ({@link #kind()}, {@link #id()},
 * {@link #description()}, {@link #parameters()}, {@link #version()}) is cheap and builds nothing;
 * the host calls {@link #create} only when a spec asks for the component, with parameters already
 * validated against {@link #parameters()}.
 *
 * <p>The short way to write one is {@link #of}:
 *
 * <pre>{@code
 * ComponentFactory.of(ComponentKind.ACTIVATION, "cube", "x^3", List.of(), params -> new Cube())
 * ComponentFactory.of(ComponentKind.LAYER, "grad-norm", "gradient normalization", List.of(real("eps", 1e-6, "added to the std")),
 *         (params, context) -> new GradNorm(context.name(), params.getDouble("eps")))
 * }</pre>
 *
 * @param <T> what it makes; {@link #kind()} says which kind of {@code T} ({@link ComponentKind#LAYER} and
 *            {@link ComponentKind#NORMALIZER} both make a {@code Layer})
 */
public interface ComponentFactory<T> {
    ComponentKind<T> kind();

    ComponentId id();

    /** One line for {@code gradlab plugins}. */
    String description();

    /** The declared parameters; the host validates spec values against them. */
    default List<ParameterSpec> parameters() {
        return List.of();
    }

    /** The component's version: the jar's {@code Implementation-Version}, or {@code dev}. */
    default String version() {
        return versionOf(getClass());
    }

    /**
     * A new component. Throw {@link IllegalArgumentException} (or a {@link GradlabException}) for
     * parameter values that are valid one by one but not together.
     *
     * @param params  the validated parameters, every default filled in
     * @param context the name of the new instance and, for architectures and datasets, what they are built from
     */
    T create(Params params, CreateContext context);

    /**
     * This factory typed for {@code kind}: {@code plugin.components().get(0).as(ComponentKind.ACTIVATION)}.
     *
     * @throws IllegalArgumentException when the factory is of another kind
     */
    @SuppressWarnings("unchecked") // a kind has exactly one product type, so equal kinds mean equal T
    default <U> ComponentFactory<U> as(ComponentKind<U> kind) {
        requireNonNull(kind, "kind is null");
        if (kind() != kind) {
            throw new IllegalArgumentException(kind().label() + " factory '" + id() + "' is not a " + kind.label() + " factory");
        }
        return (ComponentFactory<U>) this;
    }

    /** A factory from a lambda that needs only the parameters: the short way to contribute a component. */
    static <T> ComponentFactory<T> of(
            ComponentKind<T> kind, String id, String description, List<ParameterSpec> parameters, Function<Params, ? extends T> create) {
        requireNonNull(create, "create is null");
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        return lambdaFactory(kind, id, description, parameters, caller, (params, context) -> create.apply(params));
    }

    /** A factory from a lambda that also reads the {@link CreateContext} (layers, normalizers, architectures, datasets). */
    static <T> ComponentFactory<T> of(ComponentKind<T> kind, String id, String description, List<ParameterSpec> parameters,
            BiFunction<Params, CreateContext, ? extends T> create) {
        requireNonNull(create, "create is null");
        Class<?> caller = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass();
        return lambdaFactory(kind, id, description, parameters, caller, create);
    }

    private static <T> ComponentFactory<T> lambdaFactory(ComponentKind<T> kind, String id, String description,
            List<ParameterSpec> parameters, Class<?> caller, BiFunction<Params, CreateContext, ? extends T> create) {
        requireNonNull(kind, "kind is null");
        requireNonNull(description, "description is null");
        ComponentId cid = ComponentId.of(id);
        List<ParameterSpec> params = List.copyOf(parameters);
        String version = versionOf(caller);
        return new ComponentFactory<>() {
            @Override
            public ComponentKind<T> kind() {
                return kind;
            }

            @Override
            public ComponentId id() {
                return cid;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public List<ParameterSpec> parameters() {
                return params;
            }

            @Override
            public String version() {
                return version;
            }

            @Override
            public T create(Params p, CreateContext context) {
                return create.apply(p, context);
            }

            @Override
            public String toString() {
                return kind.label() + " '" + cid + "'";
            }
        };
    }

    /** The {@code Implementation-Version} of the jar that holds {@code type}, or {@code dev}. */
    static String versionOf(Class<?> type) {
        Package p = type.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * What the host hands {@link #create}: the new instance's {@link #name()} and, for the kinds that
     * need them, the {@link #modelBuilder()} or the {@link #data()} context. Made by the host (and by
     * tests: {@code CreateContext.of("hidden1")}).
     */
    final class CreateContext {
        private final String name;
        private final ModelBuilder modelBuilder;
        private final DataContext data;

        private CreateContext(String name, ModelBuilder modelBuilder, DataContext data) {
            this.name = requireNonNull(name, "name is null");
            this.modelBuilder = modelBuilder;
            this.data = data;
        }

        /** A context with a name only, for every kind but architectures and datasets. */
        public static CreateContext of(String name) {
            return new CreateContext(name, null, null);
        }

        /** The context of an architecture. */
        public static CreateContext of(String name, ModelBuilder modelBuilder) {
            return new CreateContext(name, requireNonNull(modelBuilder, "modelBuilder is null"), null);
        }

        /** The context of a dataset. */
        public static CreateContext of(String name, DataContext data) {
            return new CreateContext(name, null, requireNonNull(data, "data is null"));
        }

        /**
         * The name of what is being made: the layer's name for layers and normalizers ({@code hidden3});
         * otherwise where its spec is ({@code model.loss}), or the component's id.
         */
        public String name() {
            return name;
        }

        /**
         * What an architecture assembles its network with.
         *
         * @throws IllegalStateException for any other kind
         */
        public ModelBuilder modelBuilder() {
            if (modelBuilder == null) {
                throw new IllegalStateException("'" + name + "' got no model builder: only architectures are given one");
            }
            return modelBuilder;
        }

        /**
         * What a dataset reads or generates its data with.
         *
         * @throws IllegalStateException for any other kind
         */
        public DataContext data() {
            if (data == null) {
                throw new IllegalStateException("'" + name + "' got no data context: only datasets are given one");
            }
            return data;
        }

        @Override
        public String toString() {
            return "CreateContext[" + name + "]";
        }
    }
}
