package io.gradlab.engine.registry;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentFactory.CreateContext;
import io.gradlab.api.ComponentId;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.ParamType;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.Params;
import io.gradlab.api.ParamsValidator;
import io.gradlab.api.Suggestions;
import io.gradlab.api.data.DataContext;
import io.gradlab.api.data.DataSplits;
import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.nn.ModelBuilder;
import io.gradlab.api.train.GradientTransform;
import io.gradlab.api.train.Optimizer;
import io.gradlab.api.train.TrainingStrategy;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every component the host found, by kind and id: lists them for {@code gradlab plugins}, validates
 * spec parameters (nested components included) and builds components. Immutable once built.
 */
public final class ComponentRegistry {
    /** Deeper nesting than this means a component's default refers back to itself. */
    private static final int MAX_NESTING = 16;

    private final Map<ComponentKind<?>, Map<ComponentId, RegisteredComponent>> byKind;
    private final List<RegisteredComponent> all;
    private final List<PluginProblem> problems;

    private ComponentRegistry(Map<ComponentKind<?>, Map<ComponentId, RegisteredComponent>> byKind, List<PluginProblem> problems) {
        Map<ComponentKind<?>, Map<ComponentId, RegisteredComponent>> copy = new LinkedHashMap<>();
        List<RegisteredComponent> sorted = new ArrayList<>();
        for (ComponentKind<?> kind : ComponentKind.values()) {
            Map<ComponentId, RegisteredComponent> components = byKind.get(kind);
            if (components != null) {
                copy.put(kind, Collections.unmodifiableMap(new TreeMap<>(components)));
                sorted.addAll(copy.get(kind).values());
            }
        }
        this.byKind = Collections.unmodifiableMap(copy);
        this.all = List.copyOf(sorted);
        this.problems = List.copyOf(problems);
    }

    /**
     * A registry of exactly {@code components} (for tests and embedding).
     *
     * @throws GradlabException {@link Category#PLUGIN} when two components share a kind and id
     */
    public static ComponentRegistry of(List<RegisteredComponent> components) {
        Problems problems = new Problems();
        ComponentRegistry registry = assemble(components, problems);
        if (!problems.isEmpty()) {
            throw new GradlabException(Category.PLUGIN, "duplicate components:" + problems.joined());
        }
        return registry;
    }

    /** Registers {@code components} in load order; a duplicate keeps the first and becomes a problem. */
    static ComponentRegistry assemble(List<RegisteredComponent> components, Problems problems) {
        Map<ComponentKind<?>, Map<ComponentId, RegisteredComponent>> byKind = new LinkedHashMap<>();
        for (RegisteredComponent component : components) {
            Map<ComponentId, RegisteredComponent> ofKind = byKind.computeIfAbsent(component.kind(), k -> new TreeMap<>());
            RegisteredComponent first = ofKind.putIfAbsent(component.id(), component);
            if (first != null) {
                problems.critical(component.source(), "duplicate " + component.kind().label() + " id '" + component.id()
                        + "': provided by " + first.source().describeWithClass() + " and by "
                        + component.source().describeWithClass() + "; using the one from " + first.source().describe()
                        + ": remove one of them, or give the other component a different id");
            }
        }
        return new ComponentRegistry(byKind, problems.all());
    }

    /** Every component, sorted by kind, then id. */
    public List<RegisteredComponent> components() {
        return all;
    }

    /** The components of one kind, sorted by id. */
    public List<RegisteredComponent> components(ComponentKind<?> kind) {
        return List.copyOf(ofKind(kind).values());
    }

    public Optional<RegisteredComponent> find(ComponentKind<?> kind, ComponentId id) {
        return Optional.ofNullable(ofKind(kind).get(requireNonNull(id, "id is null")));
    }

    /**
     * The factory of {@code kind} and {@code id}.
     *
     * @throws GradlabException {@link Category#COMPONENT} for an unknown id, naming the known ones
     */
    public <T> ComponentFactory<T> factory(ComponentKind<T> kind, ComponentId id) {
        return require(kind, id, null).factory().as(kind);
    }

    /** The problems found while loading (empty for a registry made with {@link #of}). */
    public List<PluginProblem> problems() {
        return problems;
    }

    /**
     * Validates {@code spec} against its factory's declared parameters, and every nested component
     * parameter against its own factory (errors name the path {@code where.param}).
     *
     * @param where where the spec came from, for messages ({@code model.architecture}); may be empty
     */
    public Params params(ComponentKind<?> kind, ComponentSpec spec, String where) {
        return validate(kind, spec, where, 0).params();
    }

    /** {@code spec} with every default filled in, nested components resolved too (for {@code spec.resolved.yaml}). */
    public ComponentSpec resolve(ComponentKind<?> kind, ComponentSpec spec, String where) {
        return validate(kind, spec, where, 0).resolved();
    }

    public Activation activation(ComponentSpec spec, String where) {
        return create(ComponentKind.ACTIVATION, spec, where, named(spec, where));
    }

    public Initializer initializer(ComponentSpec spec, String where) {
        return create(ComponentKind.INITIALIZER, spec, where, named(spec, where));
    }

    public Optimizer optimizer(ComponentSpec spec, String where) {
        return create(ComponentKind.OPTIMIZER, spec, where, named(spec, where));
    }

    public Loss loss(ComponentSpec spec, String where) {
        return create(ComponentKind.LOSS, spec, where, named(spec, where));
    }

    public Diagnostic diagnostic(ComponentSpec spec, String where) {
        return create(ComponentKind.DIAGNOSTIC, spec, where, named(spec, where));
    }

    public GradientTransform gradientTransform(ComponentSpec spec, String where) {
        return create(ComponentKind.GRADIENT_TRANSFORM, spec, where, named(spec, where));
    }

    public TrainingStrategy trainingStrategy(ComponentSpec spec, String where) {
        return create(ComponentKind.TRAINING_STRATEGY, spec, where, named(spec, where));
    }

    public DataSplits dataset(ComponentSpec spec, DataContext context, String where) {
        requireNonNull(context, "context is null");
        return create(ComponentKind.DATASET, spec, where, CreateContext.of(nameOf(spec, where), context));
    }

    /** A new unbuilt layer named {@code name}. */
    public Layer layer(ComponentSpec spec, String name, String where) {
        return create(ComponentKind.LAYER, spec, where, CreateContext.of(requireNonNull(name, "name is null")));
    }

    /** A new unbuilt normalization layer named {@code name}. */
    public Layer normalizer(ComponentSpec spec, String name, String where) {
        return create(ComponentKind.NORMALIZER, spec, where, CreateContext.of(requireNonNull(name, "name is null")));
    }

    /** The (unbuilt) network of an architecture, assembled with {@code builder}. */
    public Layer architecture(ComponentSpec spec, ModelBuilder builder, String where) {
        requireNonNull(builder, "builder is null");
        return create(ComponentKind.ARCHITECTURE, spec, where, CreateContext.of(nameOf(spec, where), builder));
    }

    /**
     * Validates {@code spec}, then creates the component of {@code kind} with {@code context}. A component
     * that rejects its parameters with {@link IllegalArgumentException} is a {@link Category#COMPONENT}
     * error; one that fails otherwise, returns {@code null} or something that is not a {@code T}, a
     * {@link Category#PLUGIN} error naming it and its source.
     */
    public <T> T create(ComponentKind<T> kind, ComponentSpec spec, String where, CreateContext context) {
        requireNonNull(context, "context is null");
        Validated validated = validate(kind, spec, where, 0);
        RegisteredComponent component = validated.component();
        ComponentFactory<T> factory = component.factory().as(kind);
        String subject = component.describe() + at(where);
        Object result;
        try {
            result = factory.create(validated.params(), context);
        } catch (GradlabException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            Map<String, Object> given = new java.util.LinkedHashMap<>(validated.params().asMap());
            given.values().removeIf(java.util.Objects::isNull);
            throw new GradlabException(Category.COMPONENT, subject + " rejected its parameters"
                    + (given.isEmpty() ? "" : " " + given) + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new GradlabException(Category.IO, subject + " could not read or write a file: " + e.getCause().getMessage(), e);
        } catch (RuntimeException | LinkageError e) {
            throw new GradlabException(Category.PLUGIN, subject + " failed while being created (" + Failures.describe(e)
                    + "): a bug in the component; report it to its author, or use another " + kind.label(), e);
        }
        if (result == null) {
            throw new GradlabException(Category.PLUGIN, subject + " returned null from create(): a bug in the component;"
                    + " report it to its author, or use another " + kind.label());
        }
        if (!kind.type().isInstance(result)) {
            throw new GradlabException(Category.PLUGIN, subject + " returned a " + result.getClass().getName() + " from create(), not a "
                    + kind.type().getSimpleName() + ": a bug in the component; report it to its author, or use another " + kind.label());
        }
        return kind.type().cast(result);
    }

    /** The context of a component that is named after where its spec is (or its id). */
    private static CreateContext named(ComponentSpec spec, String where) {
        return CreateContext.of(nameOf(spec, where));
    }

    private static String nameOf(ComponentSpec spec, String where) {
        return where == null || where.isEmpty() ? requireNonNull(spec, "spec is null").id().value() : where;
    }

    /** The validated params and the fully resolved spec of one (possibly nested) component. */
    private record Validated(RegisteredComponent component, Params params, ComponentSpec resolved) {}

    private Validated validate(ComponentKind<?> kind, ComponentSpec spec, String where, int depth) {
        requireNonNull(kind, "kind is null");
        requireNonNull(spec, "spec is null");
        String path = where == null ? "" : where;
        if (depth > MAX_NESTING) {
            throw new GradlabException(Category.COMPONENT, "components nested more than " + MAX_NESTING + " deep at " + path
                    + ": a component's default probably refers back to itself; give the nested component explicitly");
        }
        RegisteredComponent component = require(kind, spec.id(), path);
        Params params = ParamsValidator.validate(component.factory(), spec.params(), path);
        Map<String, Object> values = new LinkedHashMap<>(params.asMap());
        Map<String, Object> resolved = new LinkedHashMap<>();
        for (ParameterSpec declared : component.parameters()) {
            Object value = values.get(declared.name());
            if (value == null) {
                continue;
            }
            if (declared.type() == ParamType.COMPONENT) {
                String nestedWhere = path.isEmpty() ? declared.name() : path + "." + declared.name();
                ComponentSpec nested = ParamsValidator.toComponentSpec(value, nestedWhere);
                values.put(declared.name(), nested);
                value = validate(declared.componentKind(), nested, nestedWhere, depth + 1).resolved();
            }
            resolved.put(declared.name(), value);
        }
        return new Validated(component, new Params(params.owner(), values), new ComponentSpec(spec.id(), resolved));
    }

    private RegisteredComponent require(ComponentKind<?> kind, ComponentId id, String where) {
        requireNonNull(kind, "kind is null");
        requireNonNull(id, "id is null");
        Map<ComponentId, RegisteredComponent> known = ofKind(kind);
        RegisteredComponent component = known.get(id);
        if (component != null) {
            return component;
        }
        List<String> ids = known.keySet().stream().map(ComponentId::value).toList();
        String plural = kind.plural();
        String options = ids.isEmpty()
                ? "; no " + plural + " are installed (see `gradlab plugins` and the plugins folder)"
                : "; known " + plural + ": " + String.join(", ", ids);
        throw new GradlabException(Category.COMPONENT, "unknown " + kind.label() + " '" + id + "'" + at(where)
                + Suggestions.didYouMean(id.value(), byLengthCloseness(id.value(), ids)) + options);
    }

    /**
     * The candidates with those of about the input's length first: {@link Suggestions} keeps the first
     * of equally distant candidates, and a swapped pair of letters ({@code rleu}) should suggest
     * {@code relu}, not the equally distant {@code elu}.
     */
    private static List<String> byLengthCloseness(String input, List<String> candidates) {
        return candidates.stream()
                .sorted(Comparator.comparingInt((String c) -> Math.abs(c.length() - input.length())).thenComparing(c -> c))
                .toList();
    }

    private Map<ComponentId, RegisteredComponent> ofKind(ComponentKind<?> kind) {
        return byKind.getOrDefault(requireNonNull(kind, "kind is null"), Map.of());
    }

    private static String at(String where) {
        return where == null || where.isEmpty() ? "" : " at " + where;
    }

}
