package io.gradlab.plugins.activations;

import io.gradlab.api.ApiVersion;
import io.gradlab.api.ComponentFactory;
import io.gradlab.api.GradlabPlugin;
import java.util.List;

/**
 * The activations plugin: the ReLU family (relu, leaky-relu, prelu, elu, selu), smooth rectifiers
 * (softplus, swish, silu, gelu, mish) and the piecewise-linear mobile activations (hard-sigmoid,
 * hard-swish). Found by {@link java.util.ServiceLoader}; depends on the gradlab API only.
 */
public final class ActivationsPlugin implements GradlabPlugin {

    @Override
    public String apiVersion() {
        return ApiVersion.CURRENT;
    }

    @Override
    public String name() {
        return "gradlab activations";
    }

    @Override
    public List<ComponentFactory<?>> components() {
        return List.of(
                Relu.factory(),
                LeakyRelu.factory(),
                PRelu.factory(),
                Elu.factory(),
                Selu.factory(),
                Softplus.factory(),
                Swish.factory(),
                Swish.siluFactory(),
                Gelu.factory(),
                Mish.factory(),
                HardSigmoid.factory(),
                HardSwish.factory());
    }
}
