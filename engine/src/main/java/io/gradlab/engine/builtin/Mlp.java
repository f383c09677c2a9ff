package io.gradlab.engine.builtin;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.GradlabException;
import io.gradlab.api.Params;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.ModelBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The multi-layer perceptron: for each hidden layer {@code i}, {@code hidden<i>} (dense),
 * optionally {@code norm<i>} (normalizer), {@code act<i>} (activation) and optionally
 * {@code post<i>} (any layer, e.g. gradient normalisation); then {@code output} (dense).
 */
final class Mlp {
    private Mlp() {}

    static Layer build(Params p, ModelBuilder b) {
        List<Integer> hidden = widths(p);
        ComponentSpec activation = p.getComponent("activation");
        ComponentSpec init = p.getComponent("init");
        ComponentSpec biasInit = p.has("bias-init") ? p.getComponent("bias-init") : null;
        ComponentSpec outputInit = p.has("output-init") ? p.getComponent("output-init") : init;
        ComponentSpec normalizer = p.has("normalizer") ? p.getComponent("normalizer") : null;
        ComponentSpec post = p.has("after-activation") ? p.getComponent("after-activation") : null;
        String nonlinearity = activation.id().value();
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < hidden.size(); i++) {
            int n = i + 1;
            layers.add(b.dense("hidden" + n, hidden.get(i), init, biasInit, nonlinearity));
            if (normalizer != null) {
                layers.add(b.normalizer("norm" + n, normalizer));
            }
            layers.add(b.activation("act" + n, activation));
            if (post != null) {
                layers.add(b.layer("post" + n, post));
            }
        }
        layers.add(b.dense("output", b.outputWidth(), outputInit, biasInit, "linear"));
        return b.sequential("mlp", layers);
    }

    private static List<Integer> widths(Params p) {
        if (p.has("hidden")) {
            List<Integer> hidden = p.getIntList("hidden");
            for (int w : hidden) {
                if (w <= 0) {
                    throw new GradlabException(GradlabException.Category.COMPONENT,
                            "architecture 'mlp': hidden widths must be positive, got " + hidden);
                }
            }
            return hidden;
        }
        return Collections.nCopies(p.getInt("depth"), p.getInt("width"));
    }
}
