package io.gradlab.plugins.remedies.skip;

import static io.gradlab.api.ParameterSpec.bool;
import static io.gradlab.api.ParameterSpec.component;
import static io.gradlab.api.ParameterSpec.intList;
import static io.gradlab.api.ParameterSpec.intLists;
import static io.gradlab.api.ParameterSpec.integer;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.Params;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.ModelBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code skip-mlp}: the engine's {@code mlp} (hidden layer {@code k} is the block {@code hidden<k>},
 * optional {@code norm<k>}, {@code act<k>}, optional {@code post<k>}) with skip connections
 * {@code skips: [[1, 3], [4, 7]]}: the output of hidden layer 1 (after its activation) is added to
 * the output of hidden layer 3 (after its activation) and the sum feeds layer 4, and so on
 * ({@link SkipNetwork}). Between layers of different widths the skip goes through a projection
 * (a dense layer {@code skip<f>-<t>} with the model's initializer) unless {@code projection: false}.
 */
public final class SkipMlp {
    static final List<List<Integer>> COURSE_SKIPS = List.of(List.of(1, 3), List.of(4, 7));

    private SkipMlp() {}

    public static ComponentFactory<Layer> factory() {
        List<ParameterSpec> params = List.of(
                intList("hidden", null, "hidden layer widths from input to output; overrides depth and width"),
                integer("depth", 7, "number of hidden layers (when hidden is not given)").range(1, 10_000),
                integer("width", 128, "units per hidden layer (when hidden is not given)").range(1, 1_000_000),
                component("activation", ComponentKind.ACTIVATION, "sigmoid", "activation after each hidden layer"),
                component("init", ComponentKind.INITIALIZER, "pytorch-default", "weight initializer of every dense layer"),
                component("bias-init", ComponentKind.INITIALIZER, null, "bias initializer (default: the weight initializer's rule)"),
                component("output-init", ComponentKind.INITIALIZER, null, "weight initializer of the output layer (default: init)"),
                component("normalizer", ComponentKind.NORMALIZER, null, "normalizer between each dense layer and its activation"),
                component("after-activation", ComponentKind.LAYER, null, "a layer after each activation (e.g. grad-norm)"),
                intLists("skips", COURSE_SKIPS,
                        "pairs [from, to] of hidden layers (1-based): the output of 'from' is added to the output of 'to'; the sum feeds the next layer").range(1, 10_000),
                bool("projection", true, "join layers of different widths through a learned projection (else such a skip is an error)"));
        return ComponentFactory.of(ComponentKind.ARCHITECTURE, "skip-mlp",
                "MLP with skip connections between hidden layers, skips: [[1, 3], [4, 7]] adds hidden1's output to hidden3's (the course's wiring)",
                params, (p, context) -> SkipMlp.build(p, context.modelBuilder()));
    }

    static Layer build(Params p, ModelBuilder b) {
        List<Integer> hidden = widths(p);
        List<int[]> pairs = validatedSkips(p.getIntLists("skips"), hidden, p.getBoolean("projection"));
        ComponentSpec activation = p.getComponent("activation");
        ComponentSpec init = p.getComponent("init");
        ComponentSpec biasInit = p.has("bias-init") ? p.getComponent("bias-init") : null;
        ComponentSpec outputInit = p.has("output-init") ? p.getComponent("output-init") : init;
        ComponentSpec normalizer = p.has("normalizer") ? p.getComponent("normalizer") : null;
        ComponentSpec post = p.has("after-activation") ? p.getComponent("after-activation") : null;
        String nonlinearity = activation.id().value();
        List<Layer> blocks = new ArrayList<>();
        for (int i = 0; i < hidden.size(); i++) {
            int n = i + 1;
            List<Layer> layers = new ArrayList<>();
            layers.add(b.dense("hidden" + n, hidden.get(i), init, biasInit, nonlinearity));
            if (normalizer != null) {
                layers.add(b.normalizer("norm" + n, normalizer));
            }
            layers.add(b.activation("act" + n, activation));
            if (post != null) {
                layers.add(b.layer("post" + n, post));
            }
            blocks.add(b.sequential("block" + n, layers));
        }
        List<SkipNetwork.Skip> skips = new ArrayList<>();
        for (int[] pair : pairs) {
            int from = pair[0];
            int to = pair[1];
            Layer projection = hidden.get(from - 1).equals(hidden.get(to - 1)) ? null
                    : b.dense("skip" + from + "-" + to, hidden.get(to - 1), init, biasInit, "linear");
            skips.add(new SkipNetwork.Skip(from, to, projection));
        }
        Layer head = b.dense("output", b.outputWidth(), outputInit, biasInit, "linear");
        return new SkipNetwork("skip-mlp", blocks, head, skips);
    }

    /** Checks each pair (two numbers, from < to, both hidden layers, no repeats, widths equal or projections allowed). */
    static List<int[]> validatedSkips(List<List<Integer>> skips, List<Integer> hidden, boolean projection) {
        int depth = hidden.size();
        List<int[]> out = new ArrayList<>();
        Set<List<Integer>> seen = new HashSet<>();
        for (List<Integer> pair : skips) {
            if (pair.size() != 2) {
                throw bad("skip " + pair + " must be a pair [from, to] of hidden layer numbers", skips);
            }
            int from = pair.get(0);
            int to = pair.get(1);
            if (from < 1 || to < 1 || from > depth || to > depth) {
                throw bad("skip " + pair + " names a hidden layer outside 1.." + depth + " (the network has " + depth + " hidden layers)", skips);
            }
            if (from >= to) {
                throw bad("skip " + pair + " must go forward: 'from' (" + from + ") must be smaller than 'to' (" + to + ")", skips);
            }
            if (!seen.add(pair)) {
                throw bad("skip " + pair + " is given twice", skips);
            }
            if (!projection && !hidden.get(from - 1).equals(hidden.get(to - 1))) {
                throw bad("skip " + pair + " joins hidden layers of different widths (" + hidden.get(from - 1) + " and "
                        + hidden.get(to - 1) + ") but projection is false; set projection: true or pick layers of equal width", skips);
            }
            out.add(new int[] {from, to});
        }
        return out;
    }

    private static GradlabException bad(String what, List<List<Integer>> skips) {
        return new GradlabException(GradlabException.Category.COMPONENT, "architecture 'skip-mlp': " + what + " (skips: " + skips
                + "; [1, 3] adds the output of hidden layer 1 to the output of hidden layer 3)");
    }

    private static List<Integer> widths(Params p) {
        if (p.has("hidden")) {
            List<Integer> hidden = p.getIntList("hidden");
            if (hidden.isEmpty()) {
                throw new GradlabException(GradlabException.Category.COMPONENT, "architecture 'skip-mlp': hidden is empty; give at least one hidden layer");
            }
            for (int w : hidden) {
                if (w <= 0) {
                    throw new GradlabException(GradlabException.Category.COMPONENT,
                            "architecture 'skip-mlp': hidden widths must be positive, got " + hidden);
                }
            }
            return hidden;
        }
        return Collections.nCopies(p.getInt("depth"), p.getInt("width"));
    }
}
