package io.gradlab.plugins.remedies.grad;

import static io.gradlab.api.ParameterSpec.real;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.train.GradientTransform;
import java.util.List;

/** The gradient transforms: {@code clip-norm}, {@code clip-value}, {@code layer-renorm}. */
public final class TransformFactories {
    private TransformFactories() {}

    public static List<ComponentFactory<GradientTransform>> all() {
        return List.of(
                ComponentFactory.of(ComponentKind.GRADIENT_TRANSFORM, "clip-norm",
                        "clip by global norm: g <- g / max(1, ||g|| / max-norm), ||g|| over all trainable gradients together",
                        List.of(real("max-norm", 1.0, "the largest global gradient norm let through").rangeExclusiveMin(0, 1e12)),
                        p -> new ClipNorm(p.getDouble("max-norm"))),
                ComponentFactory.of(ComponentKind.GRADIENT_TRANSFORM, "clip-value", "clip by value: each gradient element clamped to [-value, value]",
                        List.of(real("value", 1.0, "the largest absolute gradient element let through").rangeExclusiveMin(0, 1e12)),
                        p -> new ClipValue(p.getDouble("value"))),
                ComponentFactory.of(ComponentKind.GRADIENT_TRANSFORM, "layer-renorm", "rescale each parameter's gradient to the L2 norm 'norm'",
                        List.of(real("norm", 1.0, "the L2 norm each parameter's gradient is rescaled to").rangeExclusiveMin(0, 1e12)),
                        p -> new LayerRenorm(p.getDouble("norm"))));
    }
}
