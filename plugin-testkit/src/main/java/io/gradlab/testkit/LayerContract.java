package io.gradlab.testkit;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract of a layer, as JUnit 5 default test methods: the factory checks, the gradient check
 * (input and every parameter, {@link LayerCheck}) in each of {@link #modes()}, float32 against
 * float64, determinism, accumulation of parameter gradients and consistent shapes.
 *
 * <pre>{@code
 * class DenseTest implements LayerContract {
 *     public ComponentFactory<Layer> factory() { return new DensePlugin().components().get(0).as(ComponentKind.LAYER); }
 *     public Map<String, Object> params() { return Map.of("units", 3); }
 * }
 * }</pre>
 *
 * A layer without a factory of its own: {@code TestContexts.factory(ComponentKind.LAYER, "my-layer", () -> new MyLayer(3))}.
 * Optional overrides: {@link #inputWidth()} (4), {@link #batchSize()} (4), {@link #modes()} (TRAIN, EVAL),
 * {@link #newLayer}, {@link #gradientCheck}.
 */
public interface LayerContract extends LayerLikeContract {
    @Override
    default ComponentKind<Layer> expectedKind() {
        return ComponentKind.LAYER;
    }

    /** A new unbuilt layer. */
    @Override
    default Layer newLayer(Map<String, Object> params) {
        return TestContexts.create(factory(), params);
    }

    /** The gradient check for one parameter setting; override to adjust it. */
    @Override
    default LayerCheck gradientCheck(Map<String, Object> params) {
        return GradientCheck.layer(factory()).params(params).inputWidth(inputWidth()).batch(batchSize())
                .modes(modes().toArray(Mode[]::new)).seed(seed());
    }

    /** In the first of {@link #modes()}. */
    @Test
    default void float32AndFloat64Agree() {
        for (Map<String, Object> p : paramSets()) {
            LayerChecks.float32AndFloat64Agree(factory().id() + " " + p, () -> newLayer(p), inputWidth(), batchSize(), modes().get(0), seed());
        }
    }
}
