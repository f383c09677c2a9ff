package io.gradlab.engine.registry;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentFactory;
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
import io.gradlab.api.spi.ActivationFactory;
import io.gradlab.api.spi.ArchitectureFactory;
import io.gradlab.api.spi.DatasetFactory;
import io.gradlab.api.spi.DiagnosticFactory;
import io.gradlab.api.spi.GradientTransformFactory;
import io.gradlab.api.spi.InitializerFactory;
import io.gradlab.api.spi.LayerFactory;
import io.gradlab.api.spi.LossFactory;
import io.gradlab.api.spi.NormalizerFactory;
import io.gradlab.api.spi.OptimizerFactory;
import io.gradlab.api.spi.TrainingStrategyFactory;
import io.gradlab.api.train.GradientTransform;
import io.gradlab.api.train.Optimizer;
import io.gradlab.api.train.TrainingStrategy;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Every component the host found, by kind and id: lists them for {@code gradlab plugins}, validates
 * spec parameters (nested components included) and builds components. Immutable once built.
 */
public final class ComponentRegistry {
    /** Deeper nesting than this means a component's default refers back to itself. */
    private static final int MAX_NESTING = 16;

    private final Map<ComponentKind, Map<ComponentId, RegisteredComponent>> byKind;
    private final List<RegisteredComponent> all;
    private final List<PluginProblem> problems;

    private ComponentRegistry(Map<ComponentKind, Map<ComponentId, RegisteredComponent>> byKind, List<PluginProblem> problems) {
        Map<ComponentKind, Map<ComponentId, RegisteredComponent>> copy = new EnumMap<>(ComponentKind.class);
        List<RegisteredComponent> sorted = new ArrayList<>();
        byKind.forEach((kind, components) -> {
            copy.put(kind, Collections.unmodifiableMap(new TreeMap<>(components)));
            sorted.addAll(copy.get(kind).values());
        });
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
        Map<ComponentKind, Map<ComponentId, RegisteredComponent>> byKind = new EnumMap<>(ComponentKind.class);
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
    public List<RegisteredComponent> components(ComponentKind kind) {
        return List.copyOf(ofKind(kind).values());
    }

    public Optional<RegisteredComponent> find(ComponentKind kind, ComponentId id) {
        return Optional.ofNullable(ofKind(kind).get(requireNonNull(id, "id is null")));
    }

    /**
     * The factory of {@code kind} and {@code id}, as {@code type}.
     *
     * @throws GradlabException {@link Category#COMPONENT} for an unknown id, naming the known ones
     */
    public <F extends ComponentFactory> F factory(ComponentKind kind, ComponentId id, Class<F> type) {
        return cast(require(kind, id, null), type);
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
    public Params params(ComponentKind kind, ComponentSpec spec, String where) {
        return validate(kind, spec, where, 0).params();
    }

    /** {@code spec} with every default filled in, nested components resolved too (for {@code spec.resolved.yaml}). */
    public ComponentSpec resolve(ComponentKind kind, ComponentSpec spec, String where) {
        return validate(kind, spec, where, 0).resolved();
    }

    public Activation activation(ComponentSpec spec, String where) {
        return create(ComponentKind.ACTIVATION, ActivationFactory.class, spec, where, ActivationFactory::create);
    }

    public Initializer initializer(ComponentSpec spec, String where) {
        return create(ComponentKind.INITIALIZER, InitializerFactory.class, spec, where, InitializerFactory::create);
    }

    public Optimizer optimizer(ComponentSpec spec, String where) {
        return create(ComponentKind.OPTIMIZER, OptimizerFactory.class, spec, where, OptimizerFactory::create);
    }

    public Loss loss(ComponentSpec spec, String where) {
        return create(ComponentKind.LOSS, LossFactory.class, spec, where, LossFactory::create);
    }

    public Diagnostic diagnostic(ComponentSpec spec, String where) {
        return create(ComponentKind.DIAGNOSTIC, DiagnosticFactory.class, spec, where, DiagnosticFactory::create);
    }

    public GradientTransform gradientTransform(ComponentSpec spec, String where) {
        return create(ComponentKind.GRADIENT_TRANSFORM, GradientTransformFactory.class, spec, where, GradientTransformFactory::create);
    }

    public TrainingStrategy trainingStrategy(ComponentSpec spec, String where) {
        return create(ComponentKind.TRAINING_STRATEGY, TrainingStrategyFactory.class, spec, where, TrainingStrategyFactory::create);
    }

    public DataSplits dataset(ComponentSpec spec, DataContext context, String where) {
        requireNonNull(context, "context is null");
        return create(ComponentKind.DATASET, DatasetFactory.class, spec, where, (f, p) -> f.create(p, context));
    }

    /** A new unbuilt layer named {@code name}. */
    public Layer layer(ComponentSpec spec, String name, String where) {
        requireNonNull(name, "name is null");
        return create(ComponentKind.LAYER, LayerFactory.class, spec, where, (f, p) -> f.create(p, name));
    }

    /** A new unbuilt normalization layer named {@code name}. */
    public Layer normalizer(ComponentSpec spec, String name, String where) {
        requireNonNull(name, "name is null");
        return create(ComponentKind.NORMALIZER, NormalizerFactory.class, spec, where, (f, p) -> f.create(p, name));
    }

    /** The (unbuilt) network of an architecture, assembled with {@code builder}. */
    public Layer architecture(ComponentSpec spec, ModelBuilder builder, String where) {
        requireNonNull(builder, "builder is null");
        return create(ComponentKind.ARCHITECTURE, ArchitectureFactory.class, spec, where, (f, p) -> f.create(p, builder));
    }

    private <F extends ComponentFactory, T> T create(
            ComponentKind kind, Class<F> type, ComponentSpec spec, String where, BiFunction<F, Params, T> creator) {
        Validated validated = validate(kind, spec, where, 0);
        RegisteredComponent component = validated.component();
        F factory = cast(component, type);
        String subject = component.describe() + at(where);
        T result;
        try {
            result = creator.apply(factory, validated.params());
        } catch (GradlabException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new GradlabException(Category.COMPONENT, subject + " rejected its parameters " + validated.params().asMap()
                    + ": " + e.getMessage(), e);
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
        return result;
    }

    /** The validated params and the fully resolved spec of one (possibly nested) component. */
    private record Validated(RegisteredComponent component, Params params, ComponentSpec resolved) {}

    private Validated validate(ComponentKind kind, ComponentSpec spec, String where, int depth) {
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

    private RegisteredComponent require(ComponentKind kind, ComponentId id, String where) {
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

    private static <F extends ComponentFactory> F cast(RegisteredComponent component, Class<F> type) {
        requireNonNull(type, "type is null");
        if (!type.isInstance(component.factory())) {
            throw new GradlabException(Category.INTERNAL, component.describe() + " has a factory of type "
                    + component.factory().getClass().getName() + ", not " + type.getName());
        }
        return type.cast(component.factory());
    }

    private Map<ComponentId, RegisteredComponent> ofKind(ComponentKind kind) {
        return byKind.getOrDefault(requireNonNull(kind, "kind is null"), Map.of());
    }

    private static String at(String where) {
        return where == null || where.isEmpty() ? "" : " at " + where;
    }

}
