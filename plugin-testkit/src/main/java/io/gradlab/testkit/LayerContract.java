package io.gradlab.testkit;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.spi.LayerFactory;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The contract of a layer, as JUnit 5 default test methods: the factory checks, the gradient check
 * (input and every parameter, {@link LayerCheck}) in each of {@link #modes()}, float32 against
 * float64, determinism, accumulation of parameter gradients and consistent shapes.
 *
 * <pre>{@code
 * class DenseTest implements LayerContract {
 *     public LayerFactory factory() { return new DenseFactory(); }
 *     public Map<String, Object> params() { return Map.of("units", 3); }
 * }
 * }</pre>
 *
 * A layer without a factory of its own: {@code TestContexts.layerFactory("my-layer", () -> new MyLayer(3))}.
 */
public interface LayerContract extends FactoryContract {
    @Override
    LayerFactory factory();

    @Override
    default ComponentKind expectedKind() {
        return ComponentKind.LAYER;
    }

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
    default Layer newLayer(Map<String, Object> params) {
        return TestContexts.layer(factory(), params, factory().id().value());
    }

    /** The gradient check for one parameter setting; override to adjust it. */
    default LayerCheck gradientCheck(Map<String, Object> params) {
        return GradientCheck.layer(factory()).params(params).inputWidth(inputWidth()).batch(batchSize())
                .modes(modes().toArray(Mode[]::new)).seed(seed());
    }

    @Test
    default void gradientCheckPasses() {
        for (Map<String, Object> p : paramSets()) {
            gradientCheck(p).run().assertPasses();
        }
    }

    @Test
    default void float32AndFloat64Agree() {
        for (Map<String, Object> p : paramSets()) {
            LayerChecks.float32AndFloat64Agree(factory().id() + " " + p, maker(p), inputWidth(), batchSize(), modes().get(0), seed());
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
