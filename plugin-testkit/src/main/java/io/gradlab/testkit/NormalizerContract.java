package io.gradlab.testkit;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.spi.NormalizerFactory;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The contract of a normalizer (a layer such as batch norm), as JUnit 5 default test methods: the
 * layer checks of {@link LayerContract}, with the gradient checked in {@link Mode#TRAIN} (batch
 * statistics: every output row depends on every input row) and {@link Mode#EVAL}, and the output as
 * wide as the input.
 */
public interface NormalizerContract extends FactoryContract {
    @Override
    NormalizerFactory factory();

    @Override
    default ComponentKind expectedKind() {
        return ComponentKind.NORMALIZER;
    }

    default int inputWidth() {
        return 4;
    }

    /** The batch size; batch statistics need a few rows. */
    default int batchSize() {
        return 6;
    }

    default List<Mode> modes() {
        return List.of(Mode.TRAIN, Mode.EVAL);
    }

    default Layer newLayer(Map<String, Object> params) {
        return TestContexts.normalizer(factory(), params, factory().id().value());
    }

    default LayerCheck gradientCheck(Map<String, Object> params) {
        return GradientCheck.normalizer(factory()).params(params).inputWidth(inputWidth()).batch(batchSize())
                .modes(modes().toArray(Mode[]::new)).seed(seed());
    }

    @Test
    default void gradientCheckPasses() {
        for (Map<String, Object> p : paramSets()) {
            gradientCheck(p).run().assertPasses();
        }
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

    @Test
    default void float32AndFloat64Agree() {
        for (Map<String, Object> p : paramSets()) {
            for (Mode mode : modes()) {
                LayerChecks.float32AndFloat64Agree(factory().id() + " " + p + " " + mode, maker(p), inputWidth(), batchSize(), mode, seed());
            }
        }
    }

    @Test
    default void sameSeedGivesTheSameResult() {
        for (Map<String, Object> p : paramSets()) {
            LayerChecks.sameSeedGivesTheSameResult(factory().id() + " " + p, maker(p), inputWidth(), batchSize(), modes().get(0), seed());
        }
    }

    @Test
    default void backwardAddsParameterGradientsAndWritesTheInputGradient() {
        for (Map<String, Object> p : paramSets()) {
            LayerChecks.parameterGradientsAccumulate(factory().id() + " " + p, maker(p), inputWidth(), batchSize(), modes().get(0), seed());
        }
    }

    @Test
    default void shapesAreConsistent() {
        for (Map<String, Object> p : paramSets()) {
            LayerChecks.shapesAreConsistent(factory().id() + " " + p, maker(p), inputWidth(), modes().get(0), seed());
        }
    }

    private Supplier<Layer> maker(Map<String, Object> params) {
        return () -> newLayer(params);
    }
}
