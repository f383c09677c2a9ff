package io.gradlab.engine.spec;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.ComponentSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Validates every component of a spec against the available components and returns the spec with
 * all parameter defaults filled in, ready to build and to write into the run folder. The fixed-level
 * checks (epochs and batch size at least 1, validation not negative, a valid name) are already
 * guaranteed by the spec records themselves.
 */
public final class SpecValidator {
    private SpecValidator() {}

    /**
     * @param resolver usually {@code registry::resolve}
     * @throws io.gradlab.api.GradlabException from the resolver, for the first component that is unknown or badly configured
     */
    public static ExperimentSpec resolve(ExperimentSpec spec, ComponentResolver resolver) {
        requireNonNull(spec, "spec is null");
        requireNonNull(resolver, "resolver is null");
        DataSpec data = new DataSpec(
                one(resolver, ComponentKind.DATASET, spec.data().source(), "data.source"),
                spec.data().validation());
        ModelSpec model = new ModelSpec(
                one(resolver, ComponentKind.ARCHITECTURE, spec.model().architecture(), "model.architecture"),
                one(resolver, ComponentKind.LOSS, spec.model().loss(), "model.loss"),
                spec.model().weights());
        TrainingSpec t = spec.training();
        TrainingSpec training = new TrainingSpec(
                t.epochs(),
                t.batchSize(),
                one(resolver, ComponentKind.OPTIMIZER, t.optimizer(), "training.optimizer"),
                all(resolver, ComponentKind.GRADIENT_TRANSFORM, t.gradientTransforms(), "training.gradient-transforms"),
                one(resolver, ComponentKind.TRAINING_STRATEGY, t.strategy(), "training.strategy"),
                t.seed(),
                t.dtype(),
                t.threads(),
                t.checkpoint(),
                t.tensorboard(),
                all(resolver, ComponentKind.LR_SCHEDULE, t.lrSchedule(), "training.lr-schedule"),
                all(resolver, ComponentKind.CALLBACK, t.callbacks(), "training.callbacks"),
                t.stepTimeout());
        List<ComponentSpec> diagnostics = all(resolver, ComponentKind.DIAGNOSTIC, spec.diagnostics(), "diagnostics");
        return new ExperimentSpec(spec.name(), spec.description(), data, model, training, diagnostics, spec.baseDir());
    }

    private static ComponentSpec one(ComponentResolver resolver, ComponentKind<?> kind, ComponentSpec spec, String where) {
        ComponentSpec resolved = resolver.resolve(kind, spec, where);
        if (resolved == null) {
            throw new IllegalStateException("the component resolver returned null for " + kind.label() + " '" + spec.id() + "' at " + where);
        }
        return resolved;
    }

    private static List<ComponentSpec> all(ComponentResolver resolver, ComponentKind<?> kind, List<ComponentSpec> specs, String where) {
        List<ComponentSpec> out = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            out.add(one(resolver, kind, specs.get(i), where + "[" + i + "]"));
        }
        return out;
    }
}
