package io.gradlab.testkit;

import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The part {@link LayerContract} and {@link NormalizerContract} share: the sizes and modes a layer is
 * checked at, and the checks that run the same for both (the gradient check, determinism,
 * accumulation of parameter gradients, consistent shapes). Each sub-contract says how to make the
 * layer and its gradient check, and checks float32 against float64 in its own way.
 */
interface LayerLikeContract extends FactoryContract<Layer> {
    /** The number of input features the layer is built for. */
    default int inputWidth() {
        return 4;
    }

    default int batchSize() {
        return 4;
    }

    /** The modes the gradient is checked in; a layer that is random in TRAIN mode (dropout) returns {@code List.of(Mode.EVAL)}. */
    default List<Mode> modes() {
        return List.of(Mode.TRAIN, Mode.EVAL);
    }

    /** A new unbuilt layer. */
    Layer newLayer(Map<String, Object> params);

    /** The gradient check for one parameter setting; override to adjust it. */
    LayerCheck gradientCheck(Map<String, Object> params);

    @Test
    default void gradientCheckPasses() {
        for (Map<String, Object> p : paramSets()) {
            gradientCheck(p).run().assertPasses();
        }
    }

    @Test
    default void sameSeedGivesTheSameResult() {
        for (Map<String, Object> p : paramSets()) {
            LayerChecks.sameSeedGivesTheSameResult(factory().id() + " " + p, () -> newLayer(p), inputWidth(), batchSize(), modes().get(0),
                    seed());
        }
    }

    @Test
    default void backwardAddsParameterGradientsAndWritesTheInputGradient() {
        for (Map<String, Object> p : paramSets()) {
            LayerChecks.parameterGradientsAccumulate(factory().id() + " " + p, () -> newLayer(p), inputWidth(), batchSize(), modes().get(0),
                    seed());
        }
    }

    @Test
    default void shapesAreConsistent() {
        for (Map<String, Object> p : paramSets()) {
            LayerChecks.shapesAreConsistent(factory().id() + " " + p, () -> newLayer(p), inputWidth(), modes().get(0), seed());
        }
    }
}
