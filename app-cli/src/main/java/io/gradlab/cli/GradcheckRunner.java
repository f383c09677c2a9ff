package io.gradlab.cli;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabException;
import io.gradlab.api.ParamType;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.registry.RegisteredComponent;
import io.gradlab.testkit.GradCheckReport;
import io.gradlab.testkit.GradientCheck;
import io.gradlab.testkit.LayerCheck;
import io.gradlab.testkit.LossCheck;
import io.gradlab.testkit.TestContexts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Runs the plugin test kit's {@link GradientCheck} (float64, central differences) on one installed
 * component with its declared default parameters (or the parameters given), and turns whatever happens into a
 * {@link GradcheckResult}: a component that cannot be created or built with its defaults is a SKIP with
 * the reason; one that throws while being checked is a FAIL naming the exception. Nothing a plugin does
 * escapes (short of the JVM running out of memory).
 */
final class GradcheckRunner {
    /** The input width layers and normalizers are built for (the kit's default). */
    static final int INPUT_WIDTH = 4;

    private final double threshold;
    private final Map<String, Object> params;
    /** {@code default parameters} or {@code parameters steps=2, hidden=3}, for settings and reasons. */
    private final String paramsText;

    /**
     * @param threshold the largest relative error that passes
     * @param params    raw parameter values for every component checked (validated by the kit against each
     *                  factory, defaults filled in); empty for the declared defaults
     */
    GradcheckRunner(double threshold, Map<String, ?> params) {
        if (!(threshold > 0) || !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be a positive number, got " + threshold);
        }
        this.threshold = threshold;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(params, "params is null")));
        this.paramsText = params.isEmpty() ? "default parameters" : "parameters " + params.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    GradcheckRunner(double threshold) {
        this(threshold, Map.of());
    }

    /** The check of {@code component}; never throws for anything the component does. */
    GradcheckResult check(RegisteredComponent component) {
        ComponentKind<?> kind = component.kind();
        if (!GradientCheck.supports(kind)) {
            return GradcheckResult.skip(component, kind.label() + "s have no gradient to check");
        }
        if (kind == ComponentKind.ACTIVATION) {
            return activation(component, component.factory().as(ComponentKind.ACTIVATION));
        }
        if (kind == ComponentKind.LOSS) {
            return loss(component, component.factory().as(ComponentKind.LOSS));
        }
        return layer(component);
    }

    private GradcheckResult activation(RegisteredComponent component, ComponentFactory<Activation> factory) {
        try {
            TestContexts.create(factory, params);
        } catch (RuntimeException | LinkageError e) {
            return cannotCreate(component, e);
        }
        String settings = "5 units, " + paramsText;
        try {
            return GradcheckResult.of(component, settings, GradientCheck.activation(factory).params(params).threshold(threshold).run());
        } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
            return threw(component, settings, e);
        }
    }

    private GradcheckResult layer(RegisteredComponent component) {
        Map<String, Object> use = params;
        String useText = paramsText;
        int width = INPUT_WIDTH;
        String inputText = "input width " + INPUT_WIDTH;
        String buildText = "an input of width " + INPUT_WIDTH;
        Optional<List<Integer>> image = imageShape(component, params);
        if (image.isPresent()) {
            // a layer that declares the shape of its input (an image layer: input [C, H, W]) is checked on a small input of
            // that shape: the one given with --param input=..., else SMALL_IMAGE cut to the declared rank
            List<Integer> shape = image.get();
            width = shape.stream().reduce(1, Math::multiplyExact);
            String dims = shape.stream().map(String::valueOf).collect(Collectors.joining("x"));
            inputText = "input " + dims + " (" + width + " features)";
            buildText = "an input of shape " + dims;
            if (!params.containsKey(INPUT)) {
                Map<String, Object> withShape = new LinkedHashMap<>(params);
                withShape.put(INPUT, shape);
                use = withShape;
            }
        }
        Layer probe;
        try {
            probe = newLayer(component, use);
        } catch (RuntimeException | LinkageError e) {
            return cannotCreate(component, e);
        }
        try {
            probe.build(width, TestContexts.f64());
        } catch (RuntimeException | LinkageError e) {
            // a sequence layer (rnn, lstm, gru) needs to know how its input splits into time steps:
            // with its defaults it cannot be built alone, so it is checked over 2 steps of 2 features
            Map<String, Object> sequenceParams = new LinkedHashMap<>(use);
            sequenceParams.putAll(SEQUENCE_PARAMS);
            Optional<Layer> sequence = image.isEmpty() && !params.containsKey(STEPS) && declares(component, STEPS)
                    ? buildWith(component, sequenceParams) : Optional.empty();
            if (sequence.isEmpty()) {
                return GradcheckResult.skip(component, "cannot be built for " + buildText
                        + " with its " + paramsText + ": " + describe(e));
            }
            probe = sequence.get();
            use = sequenceParams;
            useText = (params.isEmpty() ? "parameters " : paramsText + ", ")
                    + "steps=2 (2 time steps of 2 features; its defaults need the data's time steps)";
        }
        if (!probe.exactGradient()) {
            return GradcheckResult.skip(component, "its backward pass deliberately rewrites the gradient"
                    + " (it is not the derivative of its forward pass), so there is nothing to compare");
        }
        String settings = inputText + ", " + useText + ", modes TRAIN and EVAL";
        try {
            boolean randomInTrain = randomInTrainMode(probe, width);
            LayerCheck check = GradientCheck.layer(layerFactory(component));
            check.params(use).inputWidth(width).threshold(threshold);
            if (randomInTrain) {
                // dropout and the like: a new random mask on every forward pass makes finite differences meaningless
                check.modes(Mode.EVAL);
                settings = inputText + ", " + useText + ", mode EVAL only (random in TRAIN mode)";
            }
            return GradcheckResult.of(component, settings, check.run());
        } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
            return threw(component, settings, e);
        }
    }

    /** The parameter that holds the shape of an image layer's input. */
    static final String INPUT = "input";
    private static final String STEPS = "steps";
    /**
     * The input an image layer is checked on unless {@code --param input=...} says otherwise: 2 channels (so channels
     * mix), a height unlike the width (so a transposed image shows) and a width of 9: the test kit's edge point puts
     * the edge values 0, 30, -30 in turn at every other element, and with 9 pixels a row two of them in one 2x2
     * window are always different (with 5, 6 or 7 some windows hold two 30s, where a max pool's maximum has no
     * derivative). A declared shape of fewer dimensions keeps the last ones ({@code [5, 9]}).
     */
    static final List<Integer> SMALL_IMAGE = List.of(2, 5, 9);

    /**
     * The shape an image layer is checked with: for a factory that declares the int-list parameter {@code input}
     * with a shape of 1 to 3 dimensions as its default, the shape given in {@code given}, else {@link #SMALL_IMAGE}
     * cut to the declared rank; empty for every other layer.
     */
    static Optional<List<Integer>> imageShape(RegisteredComponent component, Map<String, Object> given) {
        Optional<ParameterSpec> declared = component.factory().parameters().stream()
                .filter(p -> p.name().equals(INPUT) && p.type() == ParamType.INT_LIST).findFirst();
        if (declared.isEmpty() || !(declared.get().defaultValue() instanceof List<?> shape)
                || shape.isEmpty() || shape.size() > SMALL_IMAGE.size()) {
            return Optional.empty();
        }
        Object value = given.get(INPUT);
        if (value instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(v -> v instanceof Integer i && i > 0)) {
            return Optional.of(list.stream().map(v -> (Integer) v).toList());
        }
        return Optional.of(SMALL_IMAGE.subList(SMALL_IMAGE.size() - shape.size(), SMALL_IMAGE.size()));
    }

    /** The parameters a sequence layer is checked with when its defaults cannot be built alone. */
    private static final Map<String, Object> SEQUENCE_PARAMS = Map.of("steps", 2);

    private static boolean declares(RegisteredComponent component, String parameter) {
        return component.factory().parameters().stream().anyMatch(p -> p.name().equals(parameter));
    }

    /** The layer built with {@code with}, or empty when that fails too. */
    private Optional<Layer> buildWith(RegisteredComponent component, Map<String, Object> with) {
        try {
            Layer layer = newLayer(component, with);
            layer.build(INPUT_WIDTH, TestContexts.f64());
            return Optional.of(layer);
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }

    private Layer newLayer(RegisteredComponent component, Map<String, Object> with) {
        return TestContexts.create(layerFactory(component), with);
    }

    /** The factory of a layer or a normalizer. */
    private static ComponentFactory<Layer> layerFactory(RegisteredComponent component) {
        return component.factory().as(component.kind() == ComponentKind.NORMALIZER ? ComponentKind.NORMALIZER : ComponentKind.LAYER);
    }

    /** Whether two TRAIN-mode passes over the same input give different outputs. */
    private static boolean randomInTrainMode(Layer layer, int width) {
        Tensor x = TestContexts.randomNormal(DType.F64, new SeededRandom(TestContexts.DEFAULT_SEED), 1.0, 4, width);
        double[] first = layer.forward(x.copy(), Mode.TRAIN).toDoubleArray();
        double[] second = layer.forward(x.copy(), Mode.TRAIN).toDoubleArray();
        return !Arrays.equals(first, second);
    }

    /** The target layouts tried in turn, the first one the loss accepts (finite losses, no exception) is reported. */
    private record LossSetup(LossCheck.TargetKind targets, int width, boolean probabilities) {
        String describe() {
            return width + (width == 1 ? " output" : " outputs") + ", " + targets.name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + " targets" + (probabilities ? ", outputs in (0, 1)" : "");
        }

        LossCheck apply(LossCheck check) {
            check.targets(targets).width(width);
            return probabilities ? check.domain(0.0, 1.0) : check;
        }
    }

    private static final List<LossSetup> LOSS_SETUPS = List.of(
            new LossSetup(LossCheck.TargetKind.CLASS_INDEX, 3, false),
            new LossSetup(LossCheck.TargetKind.REGRESSION, 3, false),
            new LossSetup(LossCheck.TargetKind.PROBABILITY, 3, false),
            new LossSetup(LossCheck.TargetKind.PROBABILITY, 3, true),
            new LossSetup(LossCheck.TargetKind.CLASS_INDEX, 1, false),
            new LossSetup(LossCheck.TargetKind.REGRESSION, 1, false),
            new LossSetup(LossCheck.TargetKind.PROBABILITY, 1, true));

    private GradcheckResult loss(RegisteredComponent component, ComponentFactory<Loss> factory) {
        try {
            TestContexts.create(factory, params);
        } catch (RuntimeException | LinkageError e) {
            return cannotCreate(component, e);
        }
        GradcheckResult firstRun = null;
        List<String> rejected = new ArrayList<>();
        for (LossSetup setup : LOSS_SETUPS) {
            GradCheckReport report;
            try {
                report = setup.apply(GradientCheck.loss(factory).params(params).threshold(threshold)).run();
            } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
                rejected.add(setup.describe() + ": " + describe(e));
                continue;
            }
            GradcheckResult result = GradcheckResult.of(component, setup.describe() + ", " + paramsText, report);
            if (report.problems().isEmpty()) {
                return result;
            }
            if (firstRun == null) {
                firstRun = result;
            }
        }
        if (firstRun != null) {
            return firstRun;
        }
        return GradcheckResult.skip(component, "accepts none of the target layouts the test kit knows (" + rejected.get(0)
                + (rejected.size() > 1 ? "; and " + (rejected.size() - 1) + " more" : "") + ")");
    }

    private GradcheckResult cannotCreate(RegisteredComponent component, Throwable e) {
        return GradcheckResult.skip(component, "cannot be created with its " + paramsText + ": " + describe(e));
    }

    private static GradcheckResult threw(RegisteredComponent component, String settings, Throwable e) {
        return GradcheckResult.threw(component, settings, "the component threw while being checked: " + describe(e));
    }

    /** {@code IllegalStateException: message} (a GradlabException's message alone). */
    static String describe(Throwable e) {
        if (e instanceof GradlabException) {
            return e.getMessage();
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}
