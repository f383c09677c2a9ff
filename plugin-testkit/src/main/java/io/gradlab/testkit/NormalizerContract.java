package io.gradlab.testkit;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract of a normalizer (a layer such as batch norm), as JUnit 5 default test methods: the
 * layer checks of {@link LayerContract}, with the gradient checked in {@link Mode#TRAIN} (batch
 * statistics: every output row depends on every input row) and {@link Mode#EVAL}, float32 against
 * float64 in every mode, and the output as wide as the input.
 */
public interface NormalizerContract extends LayerLikeContract {
    @Override
    default ComponentKind<Layer> expectedKind() {
        return ComponentKind.NORMALIZER;
    }

    /** The batch size; batch statistics need a few rows. */
    @Override
    default int batchSize() {
        return 6;
    }

    @Override
    default Layer newLayer(Map<String, Object> params) {
        return TestContexts.create(factory(), params);
    }

    @Override
    default LayerCheck gradientCheck(Map<String, Object> params) {
        return GradientCheck.layer(factory()).params(params).inputWidth(inputWidth()).batch(batchSize())
                .modes(modes().toArray(Mode[]::new)).seed(seed());
    }

    @Test
    default void outputIsAsWideAsTheInput() {
        for (Map<String, Object> p : paramSets()) {
            int out = newLayer(p).build(inputWidth(), TestContexts.f64(seed()));
            if (out != inputWidth()) {
                throw new AssertionError(factory().id() + " " + p + ": built for " + inputWidth() + " features, it outputs " + out);
            }
        }
    }

    /** In every one of {@link #modes()}. */
    @Test
    default void float32AndFloat64Agree() {
        for (Map<String, Object> p : paramSets()) {
            for (Mode mode : modes()) {
                LayerChecks.float32AndFloat64Agree(factory().id() + " " + p + " " + mode, () -> newLayer(p), inputWidth(), batchSize(), mode,
                        seed());
            }
        }
    }
}
