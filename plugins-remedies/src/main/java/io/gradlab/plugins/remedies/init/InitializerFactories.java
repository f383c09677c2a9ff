package io.gradlab.plugins.remedies.init;

import static io.gradlab.api.ParameterSpec.choice;
import static io.gradlab.api.ParameterSpec.real;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.Params;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.Tensor;
import java.util.List;

/**
 * The remedies' weight initializers, with PyTorch's formulas ({@code torch.nn.init}). All of them
 * leave biases at zero.
 *
 * <ul>
 *   <li>{@code zeros}, {@code constant}: no randomness (and the symmetry problem when used for a hidden layer);</li>
 *   <li>{@code xavier-normal}: {@code std = gain sqrt(2 / (fan_in + fan_out))};
 *       {@code xavier-uniform}: {@code U(-a, a)}, {@code a = gain sqrt(6 / (fan_in + fan_out))};</li>
 *   <li>{@code he-normal}: {@code std = gain / sqrt(fan)}; {@code he-uniform}: {@code a = gain sqrt(3 / fan)},
 *       {@code fan} = fan_in or fan_out by {@code mode}, {@code gain} from the following nonlinearity ({@link Gains});</li>
 *   <li>{@code lecun-normal}: {@code std = 1 / sqrt(fan_in)} (a plain, not truncated, normal);</li>
 *   <li>{@code orthogonal}: a sign-corrected QR factor scaled by {@code gain} ({@link Orthogonal}).</li>
 * </ul>
 */
public final class InitializerFactories {
    private InitializerFactories() {}

    public static List<ComponentFactory<Initializer>> all() {
        return List.of(
                ComponentFactory.of(ComponentKind.INITIALIZER, "zeros",
                        "all weights 0 (and biases 0): every unit of a layer stays identical (the symmetry problem)",
                        List.of(), p -> (w, fan, random) -> w.fill(0.0)),
                ComponentFactory.of(ComponentKind.INITIALIZER, "constant", "all weights equal to value, biases 0",
                        List.of(real("value", 0.0, "the weight value")), p -> {
                            double value = p.getDouble("value");
                            return (w, fan, random) -> w.fill(value);
                        }),
                ComponentFactory.of(ComponentKind.INITIALIZER, "xavier-normal", "Glorot normal: N(0, gain^2 * 2 / (fan_in + fan_out)), biases 0",
                        List.of(gain()), p -> xavier(p.getDouble("gain"), false)),
                ComponentFactory.of(ComponentKind.INITIALIZER, "xavier-uniform",
                        "Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)), biases 0",
                        List.of(gain()), p -> xavier(p.getDouble("gain"), true)),
                ComponentFactory.of(ComponentKind.INITIALIZER, "he-normal",
                        "Kaiming normal: N(0, gain^2 / fan), gain from the following nonlinearity (relu: sqrt 2), biases 0",
                        heParameters(), p -> he(p, false, "he-normal")),
                ComponentFactory.of(ComponentKind.INITIALIZER, "he-uniform",
                        "Kaiming uniform: U(-a, a) with a = gain * sqrt(3 / fan), gain from the following nonlinearity, biases 0",
                        heParameters(), p -> he(p, true, "he-uniform")),
                ComponentFactory.of(ComponentKind.INITIALIZER, "lecun-normal", "LeCun normal: N(0, 1 / fan_in), biases 0",
                        List.of(), p -> (w, fan, random) -> fillNormal(w, 1.0 / Math.sqrt(fan.fanIn()), random)),
                ComponentFactory.of(ComponentKind.INITIALIZER, "orthogonal",
                        "(semi-)orthogonal weights from the QR decomposition of a Gaussian matrix, times gain; biases 0",
                        List.of(gain()), p -> new Orthogonal(p.getDouble("gain"))));
    }

    private static ParameterSpec gain() {
        return real("gain", 1.0, "scale factor").range(0, 1e6);
    }

    private static List<ParameterSpec> heParameters() {
        return List.of(
                choice("mode", "fan-in", List.of("fan-in", "fan-out"),
                        "fan-in keeps the variance of the forward pass, fan-out that of the backward pass"),
                choice("nonlinearity", "auto", List.of("auto", "relu", "leaky-relu", "tanh", "selu", "sigmoid", "linear", "identity"),
                        "the nonlinearity the gain is computed for; auto: the activation that follows the layer"),
                real("negative-slope", Gains.DEFAULT_NEGATIVE_SLOPE, "the slope of a leaky ReLU, for its gain").range(0, 1e6));
    }

    static Initializer xavier(double gain, boolean uniform) {
        return (w, fan, random) -> {
            double std = gain * Math.sqrt(2.0 / (fan.fanIn() + fan.fanOut()));
            if (uniform) {
                fillUniform(w, Math.sqrt(3.0) * std, random);
            } else {
                fillNormal(w, std, random);
            }
        };
    }

    static Initializer he(Params p, boolean uniform, String who) {
        boolean fanIn = p.getString("mode").equals("fan-in");
        String nonlinearity = p.getString("nonlinearity");
        double slope = p.getDouble("negative-slope");
        return (w, fan, random) -> {
            String n = nonlinearity.equals("auto") ? fan.nonlinearity() : nonlinearity;
            double gain = Gains.of(n, slope, who);
            double std = gain / Math.sqrt(fanIn ? fan.fanIn() : fan.fanOut());
            if (uniform) {
                fillUniform(w, Math.sqrt(3.0) * std, random);
            } else {
                fillNormal(w, std, random);
            }
        };
    }

    static void fillNormal(Tensor w, double std, RandomSource random) {
        for (int i = 0; i < w.size(); i++) {
            w.set(i, random.normal(0.0, std));
        }
    }

    static void fillUniform(Tensor w, double bound, RandomSource random) {
        for (int i = 0; i < w.size(); i++) {
            w.set(i, random.uniform(-bound, bound));
        }
    }
}
