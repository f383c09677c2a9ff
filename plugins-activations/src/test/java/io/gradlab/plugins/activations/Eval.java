package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.testkit.TestContexts;
import java.util.Map;

/** Looks factories up in the plugin and evaluates activations at single points. */
final class Eval {
    private Eval() {}

    static ComponentFactory<Activation> factory(String id) {
        return TestContexts.factories(new ActivationsPlugin(), ComponentKind.ACTIVATION).stream()
                .filter(f -> f.id().value().equals(id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the plugin has no activation '" + id + "'"));
    }

    static Activation activation(String id, Map<String, ?> params, DType dtype) {
        return TestContexts.boundActivation(factory(id), params, 1, TestContexts.context(dtype, TestContexts.DEFAULT_SEED));
    }

    /** {@code {f(x), f'(x)}} through the tensor paths of the given type. */
    static double[] at(String id, Map<String, ?> params, DType dtype, double x) {
        Activation a = activation(id, params, dtype);
        Tensor in = Tensor.of(dtype, new double[] {x}, 1, 1);
        Tensor out = Tensor.zeros(dtype, 1, 1);
        a.forward(in, out);
        Tensor ones = Tensor.of(dtype, new double[] {1.0}, 1, 1);
        Tensor grad = Tensor.zeros(dtype, 1, 1);
        a.backward(in, out, ones, grad);
        return new double[] {out.get(0), grad.get(0)};
    }

    static double value(String id, Map<String, ?> params, double x) {
        return at(id, params, DType.F64, x)[0];
    }

    static double derivative(String id, Map<String, ?> params, double x) {
        return at(id, params, DType.F64, x)[1];
    }
}
