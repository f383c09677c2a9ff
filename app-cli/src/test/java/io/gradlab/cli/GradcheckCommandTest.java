package io.gradlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gradlab.engine.registry.TestJars;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GradcheckCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CHECKABLE_KINDS = Set.of("activation", "layer", "normalizer", "loss");

    @TempDir
    static Path work;
    private static Path plugins;

    @BeforeAll
    static void buildTestPluginJar() throws IOException {
        plugins = Files.createDirectories(work.resolve("plugins"));
        TestJars.build(plugins.resolve("wrong.jar"), work, testPluginSources(), "wrong.WrongPlugin");
    }

    /** The project-wide proof: every installed differentiable component passes at 1e-6 (or says why it cannot be checked). */
    @Test
    void everyInstalledDifferentiableComponentPasses() throws IOException {
        Cli.Result r = Cli.run("gradcheck", "--json");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        JsonNode results = JSON.readTree(r.out());
        List<String> checked = new ArrayList<>();
        for (JsonNode c : results) {
            String name = c.get("kind").asText() + ":" + c.get("id").asText();
            if (c.get("variant").isNull()) {
                checked.add(name);
            } else {
                name += " " + c.get("variant").asText();
            }
            assertThat(c.get("verdict").asText()).as("%s: %s", name, c).isIn("PASS", "SKIP");
            if (c.get("verdict").asText().equals("PASS")) {
                assertThat(c.get("checks").asInt()).as(name).isPositive();
                assertThat(c.get("max_relative_error").asDouble()).as(name).isLessThanOrEqualTo(1e-6);
                assertThat(c.get("problems")).as(name).isEmpty();
            } else {
                assertThat(c.get("reason").asText()).as(name).isNotBlank();
            }
        }
        // every gradient-checkable component that `gradlab plugins` lists was checked, nothing else
        List<String> installed = new ArrayList<>();
        for (JsonNode c : JSON.readTree(Cli.run("plugins", "--json").out()).get("components")) {
            if (CHECKABLE_KINDS.contains(c.get("kind").asText())) {
                installed.add(c.get("kind").asText() + ":" + c.get("id").asText());
            }
        }
        assertThat(checked).containsExactlyInAnyOrderElementsOf(installed);
        assertThat(skipped(results)).contains("layer:grad-norm");
        assertThat(passed(results)).contains("activation:sigmoid", "activation:tanh", "activation:identity", "activation:relu",
                "activation:prelu", "activation:gelu", "layer:dense", "loss:mse", "loss:softmax-cross-entropy",
                "layer:conv2d", "layer:max-pool2d", "layer:avg-pool2d", "layer:global-avg-pool", "layer:flatten", "layer:basic-block",
                "normalizer:batch-norm2d");
        assertThat(skipped(results)).containsExactly("layer:grad-norm");
    }

    /** Image layers are checked on a small image of their own input shape, and every on/off switch flipped too. */
    @Test
    void everyImageLayerIsCheckedOnASmallImageAndEverySwitchFlipped() throws IOException {
        Cli.Result r = Cli.run("gradcheck", "--json", "--id", "conv2d", "--id", "max-pool2d", "--id", "avg-pool2d",
                "--id", "global-avg-pool", "--id", "flatten", "--id", "batch-norm2d", "--id", "basic-block");

        assertThat(r.code()).as(r.err()).isZero();
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (JsonNode c : JSON.readTree(r.out())) {
            byName.put(c.get("id").asText() + (c.get("variant").isNull() ? "" : " " + c.get("variant").asText()), c);
        }
        assertThat(byName.keySet()).containsExactly("conv2d", "conv2d bias=false", "max-pool2d", "avg-pool2d", "global-avg-pool",
                "flatten", "batch-norm2d", "batch-norm2d affine=false", "basic-block", "basic-block residual=false", "basic-block batch-norm=false");
        byName.forEach((name, c) -> {
            assertThat(c.get("verdict").asText()).as("%s: %s", name, c).isEqualTo("PASS");
            assertThat(c.get("settings").asText()).as(name).startsWith("input 2x5x9 (90 features), ");
            // input and parameters: at least 64 elements of the input at two points in two modes
            assertThat(c.get("checks").asInt()).as(name).isGreaterThanOrEqualTo(256);
            assertThat(c.get("max_relative_error").asDouble()).as(name).isLessThanOrEqualTo(1e-6);
        });
        assertThat(byName.get("basic-block residual=false").get("settings").asText()).contains("parameters residual=false");
        // a convolution's weight is checked besides its input: more elements than a parameter-free pool
        assertThat(byName.get("conv2d").get("checks").asInt()).isGreaterThan(byName.get("max-pool2d").get("checks").asInt());

        Cli.Result table = Cli.run("gradcheck", "--id", "basic-block");
        assertThat(table.out()).containsPattern("(?m)^  layer +basic-block +(gradlab-)?plugins-conv +\\d+ +\\d\\.\\d\\de-\\d\\d +PASS$")
                .containsPattern("(?m)^  layer +basic-block residual=false +(gradlab-)?plugins-conv +\\d+ +\\d\\.\\d\\de-\\d\\d +PASS$")
                .containsPattern("(?m)^  layer +basic-block batch-norm=false +(gradlab-)?plugins-conv +\\d+ +\\d\\.\\d\\de-\\d\\d +PASS$")
                .contains("1 component(s) checked in 3 variants: 3 PASS, 0 FAIL, 0 SKIP")
                .doesNotContain("skipped:");
    }

    @Test
    void anImageShapeGivenWithParamIsUsedAndNoSwitchIsFlipped() throws IOException {
        Cli.Result r = Cli.run("gradcheck", "--json", "--id", "conv2d", "--param", "input=[3, 4, 6]", "--param", "channels=2");

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode results = JSON.readTree(r.out());
        assertThat(results).hasSize(1);
        assertThat(results.get(0).get("verdict").asText()).isEqualTo("PASS");
        assertThat(results.get(0).get("settings").asText()).startsWith("input 3x4x6 (72 features), parameters input=[3, 4, 6], channels=2");
        assertThat(results.get(0).get("variant").isNull()).isTrue();
    }

    @Test
    void theTableHasOneRowPerComponentAndACount() {
        Cli.Result r = Cli.run("gradcheck", "--kind", "loss");

        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("gradient checks: central differences in float64, threshold 1.00e-06")
                .containsPattern("(?m)^  kind +id +source +checks +max rel error +verdict$")
                .containsPattern("(?m)^  loss +mse +(gradlab-)?engine +\\d+ +\\d\\.\\d\\de-\\d\\d +PASS$")
                .containsPattern("(?m)^  loss +softmax-cross-entropy +(gradlab-)?engine +\\d+ +\\d\\.\\d\\de-\\d\\d +PASS$")
                .doesNotContain("activation")
                .containsPattern("(?m)^\\d+ component\\(s\\) checked: \\d+ PASS, 0 FAIL, \\d+ SKIP$");
    }

    @Test
    void oneComponentAsJson() throws IOException {
        Cli.Result r = Cli.run("gradcheck", "--id", "sigmoid", "--json");

        assertThat(r.code()).isZero();
        JsonNode results = JSON.readTree(r.out());
        assertThat(results.isArray()).isTrue();
        assertThat(results).hasSize(1);
        JsonNode sigmoid = results.get(0);
        assertThat(sigmoid.get("kind").asText()).isEqualTo("activation");
        assertThat(sigmoid.get("id").asText()).isEqualTo("sigmoid");
        // the jar's artifact name, or the module folder when the reactor runs the tests on target/classes
        assertThat(sigmoid.get("source").asText()).isEqualTo("gradlab-engine");
        assertThat(sigmoid.get("jar").isNull()).isTrue();
        assertThat(sigmoid.get("verdict").asText()).isEqualTo("PASS");
        assertThat(sigmoid.get("threshold").asDouble()).isEqualTo(1e-6);
        assertThat(sigmoid.get("checks").asInt()).isPositive();
        assertThat(sigmoid.get("max_relative_error").asDouble()).isBetween(0.0, 1e-6);
        assertThat(sigmoid.get("worst").get("tensor").asText()).isEqualTo("input");
        assertThat(sigmoid.get("worst").get("relative_error").asDouble()).isEqualTo(sigmoid.get("max_relative_error").asDouble());
        assertThat(sigmoid.get("failures")).isEmpty();
        assertThat(sigmoid.get("reason").isNull()).isTrue();
    }

    @Test
    void severalIdsAreCheckedInTheOrderGiven() throws IOException {
        Cli.Result r = Cli.run("gradcheck", "--id", "dense", "--id", "tanh", "--id", "dense", "--json");

        assertThat(r.code()).isZero();
        JsonNode results = JSON.readTree(r.out());
        // dense with its defaults, then with its switch flipped (bias=false), then tanh
        assertThat(results).hasSize(3);
        assertThat(results.get(0).get("id").asText()).isEqualTo("dense");
        assertThat(results.get(0).get("variant").isNull()).isTrue();
        assertThat(results.get(0).get("settings").asText()).contains("input width 4");
        assertThat(results.get(1).get("id").asText()).isEqualTo("dense");
        assertThat(results.get(1).get("variant").asText()).isEqualTo("bias=false");
        assertThat(results.get(1).get("checks").asInt()).isLessThan(results.get(0).get("checks").asInt());
        assertThat(results.get(2).get("id").asText()).isEqualTo("tanh");
    }

    @Test
    void aWrongDerivativeInAPluginJarIsCaught() {
        Cli.Result r = Cli.run("--plugins-dir", plugins.toString(), "gradcheck");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).containsPattern("(?m)^  activation +wrong-tanh +jar wrong\\.jar +\\d+ +\\d\\.\\d\\de-0[1-3] +FAIL$")
                .containsPattern("(?m)^      worst: input\\[\\d+, \\d+\\] at x = \\S+: analytic \\S+, numerical \\S+, relative error ")
                .containsPattern("(?m)^  activation +sigmoid +(gradlab-)?engine .* PASS$")
                .contains(" FAIL, ");
        assertThat(r.err()).startsWith("gradlab: ").contains("failed the gradient check").contains("activation 'wrong-tanh' (jar wrong.jar)")
                .doesNotContain("sigmoid");
    }

    @Test
    void theFailureCarriesTheWorstPointInJson() throws IOException {
        Cli.Result r = Cli.run("--plugins-dir", plugins.toString(), "gradcheck", "--id", "wrong-tanh", "--json");

        assertThat(r.code()).isEqualTo(1);
        JsonNode c = JSON.readTree(r.out()).get(0);
        assertThat(c.get("id").asText()).isEqualTo("wrong-tanh");
        assertThat(c.get("verdict").asText()).isEqualTo("FAIL");
        assertThat(c.get("source").asText()).isEqualTo("wrong.jar");
        assertThat(c.get("jar").asText()).endsWith("wrong.jar");
        JsonNode worst = c.get("worst");
        double analytic = worst.get("analytic").asDouble();
        double numerical = worst.get("numerical").asDouble();
        // the derivative is 1% too large everywhere: the worst point shows it
        assertThat(analytic / numerical).isCloseTo(1.01, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(worst.get("relative_error").asDouble()).isGreaterThan(1e-6);
        assertThat(c.get("failures")).isNotEmpty();
    }

    @Test
    void theThresholdDecides() {
        // a 1% error in the derivative is a relative error of about 0.005: inside 0.01
        assertThat(Cli.run("--plugins-dir", plugins.toString(), "gradcheck", "--id", "wrong-tanh", "--threshold", "0.01").code()).isZero();
        assertThat(Cli.run("--plugins-dir", plugins.toString(), "gradcheck", "--id", "wrong-tanh", "--threshold", "0.001").code()).isEqualTo(1);
    }

    @Test
    void componentsThatCannotBeCheckedWithTheirDefaultsAreSkippedWithTheReason() throws IOException {
        Cli.Result r = Cli.run("--plugins-dir", plugins.toString(), "gradcheck", "--json",
                "--id", "needs-parts", "--id", "needs-alpha", "--id", "square-loss-of-sums", "--id", "doubled-gradient");

        assertThat(r.code()).as(r.err()).isZero();
        Map<String, JsonNode> byId = byId(JSON.readTree(r.out()));
        assertThat(byId.get("needs-parts").get("verdict").asText()).isEqualTo("SKIP");
        assertThat(byId.get("needs-parts").get("reason").asText())
                .contains("cannot be built for an input of width 4 with its default parameters").contains("steps must be set");
        assertThat(byId.get("needs-alpha").get("verdict").asText()).isEqualTo("SKIP");
        assertThat(byId.get("needs-alpha").get("reason").asText())
                .contains("cannot be created with its default parameters").contains("alpha");
        assertThat(byId.get("doubled-gradient").get("verdict").asText()).isEqualTo("SKIP");
        assertThat(byId.get("doubled-gradient").get("reason").asText()).contains("not the derivative of its forward pass");
        // a loss that wants targets of its own layout: tried with the kit's layouts until one fits
        assertThat(byId.get("square-loss-of-sums").get("verdict").asText()).isEqualTo("PASS");
        assertThat(byId.get("square-loss-of-sums").get("settings").asText()).contains("1 output");

        Cli.Result table = Cli.run("--plugins-dir", plugins.toString(), "gradcheck", "--id", "needs-parts");
        assertThat(table.out()).containsPattern("(?m)^  layer +needs-parts +jar wrong\\.jar +- +- +SKIP$")
                .contains("    skipped: cannot be built");
    }

    @Test
    void aSequenceLayerThatCannotBeBuiltWithItsDefaultsIsCheckedOverTwoTimeSteps() throws IOException {
        Cli.Result r = Cli.run("--plugins-dir", plugins.toString(), "gradcheck", "--id", "needs-steps", "--json");

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode c = JSON.readTree(r.out()).get(0);
        assertThat(c.get("verdict").asText()).isEqualTo("PASS");
        assertThat(c.get("settings").asText()).contains("parameters steps=2 (2 time steps of 2 features");
    }

    @Test
    void parametersGivenWithParamReplaceTheDefaults() throws IOException {
        // parameters the user gives are used as they are: steps=0 cannot be built, and is not replaced
        Cli.Result skipped = Cli.run("--plugins-dir", plugins.toString(), "gradcheck", "--id", "needs-steps", "--param", "steps=0", "--json");
        Cli.Result given = Cli.run("--plugins-dir", plugins.toString(), "gradcheck", "--id", "needs-steps", "--param", "steps=2", "--json");

        assertThat(JSON.readTree(skipped.out()).get(0).get("verdict").asText()).isEqualTo("SKIP");
        assertThat(given.code()).as(given.err()).isZero();
        JsonNode c = JSON.readTree(given.out()).get(0);
        assertThat(c.get("verdict").asText()).isEqualTo("PASS");
        assertThat(c.get("settings").asText()).contains("parameters steps=2");

        Cli.Result elu = Cli.run("gradcheck", "--id", "elu", "--param", "alpha=0.5", "--json");
        assertThat(elu.code()).isZero();
        assertThat(JSON.readTree(elu.out()).get(0).get("settings").asText()).contains("alpha=0.5");
    }

    @Test
    void aBadParamIsTheUsersMistakeNotASkip() {
        Cli.Result unknown = Cli.run("gradcheck", "--id", "sigmoid", "--param", "alpha=1");
        assertThat(unknown.code()).isEqualTo(3);
        assertThat(unknown.err()).startsWith("gradlab: ").contains("alpha").contains("--param");

        Cli.Result outOfRange = Cli.run("gradcheck", "--id", "elu", "--param", "alpha=-1");
        assertThat(outOfRange.code()).isEqualTo(3);
        assertThat(outOfRange.err()).contains("alpha").contains("[0, 100]");

        Cli.Result withoutId = Cli.run("gradcheck", "--param", "alpha=1");
        assertThat(withoutId.code()).isEqualTo(2);
        assertThat(withoutId.err()).contains("--param needs --id");

        Cli.Result malformed = Cli.run("gradcheck", "--id", "elu", "--param", "alpha");
        assertThat(malformed.code()).isEqualTo(2);
        assertThat(malformed.err()).contains("expected NAME=VALUE");
    }

    @Test
    void aComponentThatThrowsFailsWithTheExceptionAndTheOthersAreStillChecked() throws IOException {
        Cli.Result r = Cli.run("--plugins-dir", plugins.toString(), "gradcheck", "--json", "--id", "broken-backward", "--id", "relu");

        assertThat(r.code()).isEqualTo(1);
        Map<String, JsonNode> byId = byId(JSON.readTree(r.out()));
        assertThat(byId.get("broken-backward").get("verdict").asText()).isEqualTo("FAIL");
        assertThat(byId.get("broken-backward").get("reason").asText()).contains("threw").contains("IllegalStateException: backward boom");
        assertThat(byId.get("relu").get("verdict").asText()).isEqualTo("PASS");
        assertThat(r.err()).contains("layer 'broken-backward'");
    }

    @Test
    void anUnknownIdNamesTheKnownOnesWithASuggestion() {
        Cli.Result r = Cli.run("gradcheck", "--id", "sigmoidd");

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("gradlab: unknown component 'sigmoidd'").contains("(did you mean 'sigmoid'?)")
                .contains("activations: ").contains("tanh").contains("layers: avg-pool2d, basic-block, conv2d, dense").contains("losses: ").contains("mse")
                .doesNotContain("\tat ");
    }

    @Test
    void anUnknownIdOfAGivenKindUsesTheRegistrysLookup() {
        Cli.Result r = Cli.run("gradcheck", "--kind", "layer", "--id", "dnese");

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("unknown layer 'dnese'").contains("(did you mean 'dense'?)").contains("known layers: avg-pool2d, basic-block, conv2d, dense");
    }

    @Test
    void aComponentWithoutGradientIsNamedAsSuch() {
        Cli.Result r = Cli.run("gradcheck", "--id", "sgd");

        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("optimizer 'sgd'").contains("has no gradient to check");
    }

    @Test
    void aKindWithoutGradientIsAUsageError() {
        Cli.Result r = Cli.run("gradcheck", "--kind", "optimizer");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("optimizers have no gradient to check").contains("activation");
    }

    @Test
    void aThresholdThatIsNotPositiveIsAUsageError() {
        Cli.Result r = Cli.run("gradcheck", "--threshold", "0");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--threshold must be a positive number");
    }

    private static List<String> passed(JsonNode results) {
        return withVerdict(results, "PASS");
    }

    private static List<String> skipped(JsonNode results) {
        return withVerdict(results, "SKIP");
    }

    private static List<String> withVerdict(JsonNode results, String verdict) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : results) {
            if (c.get("verdict").asText().equals(verdict)) {
                out.add(c.get("kind").asText() + ":" + c.get("id").asText());
            }
        }
        return out;
    }

    private static Map<String, JsonNode> byId(JsonNode results) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        results.forEach(c -> out.put(c.get("id").asText(), c));
        return out;
    }

    private static final String IMPORTS = """
            import io.gradlab.api.*;
            import io.gradlab.api.nn.*;
            import io.gradlab.api.tensor.*;
            import java.util.List;
            """;

    /** A third-party plugin with a deliberately wrong derivative and components the check must cope with. */
    private static Map<String, String> testPluginSources() {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("wrong.WrongTanh", "package wrong;\n" + IMPORTS + """
                /** 2x + tanh(x) with a derivative 1% too large. */
                public final class WrongTanh extends ElementwiseActivation {
                    @Override protected Expr function(Expr x) { return x.mul(2).add(x.tanh()); }
                    @Override protected Expr derivative(Expr x, Expr y) { return x.tanh().square().rsub(3).mul(1.01); }
                    @Override public double maxDerivative() { return 3.03; }
                }
                """);
        sources.put("wrong.PassThrough", "package wrong;\n" + IMPORTS + """
                /** y = x; needs steps > 0 to build, throws in backward when told to, may declare an inexact gradient. */
                public final class PassThrough implements Layer {
                    private final String name;
                    private final int steps;
                    private final boolean brokenBackward;
                    private final boolean exact;
                    private Tensor last;
                    public PassThrough(String name, int steps, boolean brokenBackward, boolean exact) {
                        this.name = name; this.steps = steps; this.brokenBackward = brokenBackward; this.exact = exact;
                    }
                    @Override public boolean exactGradient() { return exact; }
                    @Override public String name() { return name; }
                    @Override public String type() { return "pass-through"; }
                    @Override public int build(int width, BuildContext ctx) {
                        if (steps == 0) throw new IllegalArgumentException("steps must be set (the default 0 cannot split the input)");
                        return width;
                    }
                    @Override public Tensor forward(Tensor input, Mode mode) { last = input.copy(); return last; }
                    @Override public Tensor backward(Tensor gradOutput) {
                        if (brokenBackward) throw new IllegalStateException("backward boom");
                        return gradOutput.copy();
                    }
                }
                """);
        sources.put("wrong.SquareOfSums", "package wrong;\n" + IMPORTS + """
                /** mean over rows of (sum of the row's outputs - target)^2: wants one target per row and one output. */
                public final class SquareOfSums implements Loss {
                    @Override public double forward(Tensor output, Tensor target) {
                        check(output, target);
                        double s = 0;
                        for (int r = 0; r < output.rows(); r++) { double d = output.get(r, 0) - target.get(r, 0); s += d * d; }
                        return s / output.rows();
                    }
                    @Override public void backward(Tensor output, Tensor target, Tensor grad) {
                        check(output, target);
                        for (int r = 0; r < output.rows(); r++) grad.set(r, 0, 2 * (output.get(r, 0) - target.get(r, 0)) / output.rows());
                    }
                    private static void check(Tensor output, Tensor target) {
                        if (output.cols() != 1 || target.cols() != 1) throw new IllegalArgumentException("one output and one target per row");
                    }
                }
                """);
        sources.put("wrong.WrongPlugin", "package wrong;\n" + IMPORTS + """
                public final class WrongPlugin implements GradlabPlugin {
                    @Override public String apiVersion() { return ApiVersion.CURRENT; }
                    @Override public String name() { return "wrong-derivatives"; }
                    @Override public List<ComponentFactory<?>> components() {
                        return List.of(
                                ComponentFactory.of(ComponentKind.ACTIVATION, "wrong-tanh",
                                        "2x + tanh(x) with a derivative 1% too large", List.of(), p -> new WrongTanh()),
                                ComponentFactory.of(ComponentKind.ACTIVATION, "needs-alpha", "an activation with a required parameter",
                                        List.of(ParameterSpec.real("alpha", 1.0, "a required slope").required()), p -> new WrongTanh()),
                                ComponentFactory.of(ComponentKind.LAYER, "needs-steps", "a layer that cannot be built with its defaults",
                                        List.of(ParameterSpec.integer("steps", 0, "time steps; 0 is not valid").range(0, 100)),
                                        (p, c) -> new PassThrough(c.name(), p.getInt("steps"), false, true)),
                                ComponentFactory.of(ComponentKind.LAYER, "needs-parts",
                                        "a layer that cannot be built with its defaults, and has no steps",
                                        List.of(ParameterSpec.integer("parts", 0, "parts; 0 is not valid").range(0, 100)),
                                        (p, c) -> new PassThrough(c.name(), p.getInt("parts"), false, true)),
                                ComponentFactory.of(ComponentKind.LAYER, "broken-backward", "a layer whose backward throws", List.of(),
                                        (p, c) -> new PassThrough(c.name(), 1, true, true)),
                                ComponentFactory.of(ComponentKind.LAYER, "doubled-gradient",
                                        "identity forward; declares that its gradient is not exact", List.of(),
                                        (p, c) -> new PassThrough(c.name(), 1, false, false)),
                                ComponentFactory.of(ComponentKind.LOSS, "square-loss-of-sums",
                                        "squared error of one output per row", List.of(), p -> new SquareOfSums()));
                    }
                }
                """);
        return sources;
    }
}
