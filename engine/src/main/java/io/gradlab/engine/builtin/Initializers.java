package io.gradlab.engine.builtin;

import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.Tensor;

/** The built-in initializers: normal, uniform and PyTorch's default for linear layers. */
final class Initializers {
    private Initializers() {}

    /** {@code N(mean, std)} weights, zero biases. */
    static Initializer normal(double mean, double std) {
        return (w, fan, random) -> {
            for (int i = 0; i < w.size(); i++) {
                w.set(i, random.normal(mean, std));
            }
        };
    }

    /** {@code U(a, b)} weights, zero biases. */
    static Initializer uniform(double a, double b) {
        return (w, fan, random) -> fillUniform(w, a, b, random);
    }

    /**
     * PyTorch's {@code nn.Linear} default: {@code kaiming_uniform_(a = sqrt(5))}, which is
     * {@code U(-1/sqrt(fan_in), 1/sqrt(fan_in))}, and the same bound for the bias.
     */
    static Initializer pytorchDefault() {
        return new Initializer() {
            @Override
            public void initialize(Tensor weight, Fan fan, RandomSource random) {
                double bound = 1.0 / Math.sqrt(fan.fanIn());
                fillUniform(weight, -bound, bound, random);
            }

            @Override
            public void initializeBias(Tensor bias, Fan fan, RandomSource random) {
                double bound = 1.0 / Math.sqrt(fan.fanIn());
                fillUniform(bias, -bound, bound, random);
            }
        };
    }

    static void fillUniform(Tensor t, double a, double b, RandomSource random) {
        for (int i = 0; i < t.size(); i++) {
            t.set(i, random.uniform(a, b));
        }
    }
}
