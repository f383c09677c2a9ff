package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentId;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.ParamType;
import io.gradlab.api.ParamsValidator;
import io.gradlab.api.Suggestions;
import io.gradlab.engine.registry.ComponentRegistry;
import io.gradlab.engine.registry.RegisteredComponent;
import io.gradlab.testkit.GradientCheck;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gradlab gradcheck}: the plugin test kit's gradient check (float64, central differences) on every
 * installed differentiable component (activations, layers, normalizers, losses), plugin jars included.
 * Exit code 1 when any component fails.
 */
@Command(name = "gradcheck",
        header = "Gradient-check installed components against central differences in float64.",
        description = {"Gradient-check installed components against central differences in float64:",
                "every activation, layer, normalizer and loss (built-in, plugin modules, plugin",
                "jars) with its default parameters, and each layer once more per on/off switch",
                "flipped (bias=false, residual=false). Image layers (those declaring their input",
                "shape) get a small image, 2x5x9 unless --param input=[C, H, W] says otherwise.",
                "Exit code 1 when any fails; a component that cannot be checked with its",
                "defaults is reported as SKIP, with the reason."})
final class GradcheckCommand implements Callable<Integer> {
    /** The exit code when a component fails its gradient check. */
    static final int FAILED = 1;

    private final Host host;

    @Option(names = "--step-timeout", paramLabel = "SECONDS", defaultValue = "" + io.gradlab.engine.spec.TrainingSpec.DEFAULT_STEP_TIMEOUT,
            description = "Seconds the check of one component may take before gradlab stops it and names it (default: ${DEFAULT-VALUE}).")
    int stepTimeout;

    @Option(names = "--id", paramLabel = "ID",
            description = "Check only this component (repeatable); by default every differentiable component.")
    List<String> ids = new ArrayList<>();

    @Option(names = "--kind", paramLabel = "KIND", converter = KindConverter.class,
            description = "Only components of this kind: activation, layer, normalizer or loss.")
    ComponentKind<?> kind;

    @Option(names = "--param", paramLabel = "NAME=VALUE",
            description = "A parameter of the components named with --id, instead of its default (repeatable),"
                    + " e.g. --id rnn --param steps=2; VALUE is read as YAML: 0.1, true, relu, [64, 64].")
    List<String> paramArgs = new ArrayList<>();

    @Option(names = "--json", description = "Print a JSON array, one object per component.")
    boolean json;

    @Option(names = "--threshold", paramLabel = "X", defaultValue = "1e-6",
            description = "The largest relative error that passes (default: ${DEFAULT-VALUE}).")
    double threshold;

    GradcheckCommand(Host host) {
        this.host = requireNonNull(host, "host is null");
    }

    @Override
    public Integer call() {
        if (!(threshold > 0) || !Double.isFinite(threshold)) {
            throw new GradlabException(Category.USAGE, "--threshold must be a positive number, got " + threshold
                    + " (the default is " + GradientCheck.DEFAULT_THRESHOLD + ")");
        }
        if (kind != null && !GradientCheck.supports(kind)) {
            throw new GradlabException(Category.USAGE, "--kind " + kind.label() + ": " + kind.plural()
                    + " have no gradient to check; gradcheck takes " + checkableLabels());
        }
        Map<String, Object> params = ComponentParams.parse(paramArgs);
        if (!params.isEmpty() && ids.isEmpty()) {
            throw new GradlabException(Category.USAGE, "--param needs --id: parameters apply to the components named with --id"
                    + " (without --id every component is checked with its declared defaults)");
        }
        ComponentRegistry registry = host.registry();
        List<RegisteredComponent> components = select(registry);
        if (!params.isEmpty()) {
            for (RegisteredComponent component : components) {
                // an unknown name or a bad value is the user's mistake (exit 3), not a reason to skip the component
                ParamsValidator.validate(component.factory(), params, "--param");
            }
        }
        if (stepTimeout < 1) {
            throw new GradlabException(Category.USAGE, "--step-timeout: expected seconds >= 1, got " + stepTimeout);
        }
        GradcheckRunner runner = new GradcheckRunner(threshold, params);
        List<GradcheckResult> results = new ArrayList<>();
        try {
            for (RegisteredComponent component : components) {
                host.watchdog().arm(stepTimeout, "gradient check of " + component.describe());
                results.add(runner.check(component));
                if (params.isEmpty()) {
                    // every on/off switch of a layer changes what it computes (a bias, a residual shortcut, an affine
                    // scale): each one is checked flipped too, the other parameters at their defaults
                    for (String flipped : switches(component)) {
                        host.watchdog().arm(stepTimeout, "gradient check of " + component.describe() + " with " + flipped);
                        results.add(new GradcheckRunner(threshold, ComponentParams.parse(List.of(flipped))).check(component).withVariant(flipped));
                    }
                }
            }
        } finally {
            host.watchdog().disarm();
        }
        Console console = host.console();
        if (json) {
            console.out().print(GradcheckJson.render(results, threshold));
        } else {
            GradcheckTable.print(results, threshold, console.out());
        }
        console.out().flush();
        List<String> failed = results.stream().filter(r -> r.verdict() == GradcheckResult.Verdict.FAIL)
                .map(r -> r.component().kind().label() + " '" + r.component().id() + "' (" + r.source() + ")")
                .toList();
        if (failed.isEmpty()) {
            return 0;
        }
        console.err().println("gradlab: " + failed.size() + " component(s) failed the gradient check: " + String.join(", ", failed));
        console.err().flush();
        return FAILED;
    }

    /** The components to check: the {@code --id}s (in the order given) or every checkable one, of {@code --kind}. */
    private List<RegisteredComponent> select(ComponentRegistry registry) {
        List<ComponentKind<?>> kinds = kind != null ? List.of(kind) : checkableKinds();
        if (ids.isEmpty()) {
            return kinds.stream().flatMap(k -> registry.components(k).stream()).toList();
        }
        LinkedHashSet<RegisteredComponent> selected = new LinkedHashSet<>();
        for (String id : ids) {
            selected.addAll(lookup(registry, kinds, id.trim()));
        }
        return List.copyOf(selected);
    }

    /** The components with this id among {@code kinds}; an unknown id is an error naming the known ones. */
    private List<RegisteredComponent> lookup(ComponentRegistry registry, List<ComponentKind<?>> kinds, String id) {
        Optional<ComponentId> cid = componentId(id);
        if (kind != null && cid.isPresent()) {
            // the registry's own lookup: "unknown layer 'dnese' (did you mean 'dense'?); known layers: ..."
            registry.factory(kind, cid.get());
            return List.of(registry.find(kind, cid.get()).orElseThrow());
        }
        List<RegisteredComponent> found = cid.isEmpty() ? List.of()
                : kinds.stream().map(k -> registry.find(k, cid.get())).flatMap(Optional::stream).toList();
        if (!found.isEmpty()) {
            return found;
        }
        if (cid.isPresent()) {
            List<RegisteredComponent> elsewhere = ComponentKind.values().stream()
                    .map(k -> registry.find(k, cid.get())).flatMap(Optional::stream).toList();
            if (!elsewhere.isEmpty()) {
                RegisteredComponent c = elsewhere.get(0);
                throw new GradlabException(Category.COMPONENT, c.describe() + " has no gradient to check"
                        + (kind == null ? "" : " as a " + kind.label()) + "; gradcheck takes " + checkableLabels()
                        + knownIds(registry, kinds));
            }
        }
        List<String> candidates = kinds.stream().flatMap(k -> registry.components(k).stream())
                .map(c -> c.id().value()).distinct().sorted().toList();
        String what = kind == null ? "component" : kind.label();
        throw new GradlabException(Category.COMPONENT, "unknown " + what + " '" + id + "' given to --id"
                + Suggestions.didYouMean(id, candidates) + knownIds(registry, kinds));
    }

    private static Optional<ComponentId> componentId(String id) {
        try {
            return Optional.of(ComponentId.of(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** {@code "; gradient-checkable components: activations: elu, gelu; layers: dense"}. */
    private static String knownIds(ComponentRegistry registry, List<ComponentKind<?>> kinds) {
        List<String> groups = new ArrayList<>();
        for (ComponentKind<?> k : kinds) {
            List<RegisteredComponent> ofKind = registry.components(k);
            if (!ofKind.isEmpty()) {
                groups.add(k.plural() + ": "
                        + ofKind.stream().map(c -> c.id().value()).collect(Collectors.joining(", ")));
            }
        }
        return groups.isEmpty()
                ? "; no gradient-checkable components are installed (see `gradlab plugins`)"
                : "; gradient-checkable components: " + String.join("; ", groups);
    }

    /**
     * The declared boolean parameters of a layer or normalizer, each as {@code name=value} with the opposite of its
     * default ({@code residual=false}); none for other kinds.
     */
    static List<String> switches(RegisteredComponent component) {
        if (component.kind() != ComponentKind.LAYER && component.kind() != ComponentKind.NORMALIZER) {
            return List.of();
        }
        return component.factory().parameters().stream()
                .filter(p -> p.type() == ParamType.BOOLEAN && p.defaultValue() instanceof Boolean)
                .map(p -> p.name() + "=" + !((Boolean) p.defaultValue()))
                .toList();
    }

    static List<ComponentKind<?>> checkableKinds() {
        return ComponentKind.values().stream().filter(GradientCheck::supports).toList();
    }

    private static String checkableLabels() {
        List<String> labels = checkableKinds().stream().map(ComponentKind::label).toList();
        return String.join(", ", labels.subList(0, labels.size() - 1)) + " and " + labels.get(labels.size() - 1);
    }
}
