package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;
import java.util.List;

/**
 * GELU {@code x Φ(x)} (Hendrycks and Gimpel 2016), exactly with {@link SpecialFunctions#normalCdf}
 * (the left tail to full relative accuracy, where {@code 1 + erf} would cancel) or with PyTorch's
 * tanh approximation {@code x (1 + tanh(sqrt(2/π) (x + 0.044715 x³))) / 2}, evaluated as
 * {@code x sigmoid(2 u)} so that the left tail keeps its relative accuracy.
 */
final class Gelu extends ElementwiseActivation {
    static final String ID = "gelu";
    static final String APPROXIMATE = "approximate";
    static final String NONE = "none";
    static final String TANH = "tanh";
    private static final double C = 0.044715;

    /** The exact GELU's largest derivative, at {@code x = sqrt 2}: {@code Φ(√2) + √2 φ(√2)} ≈ 1.1290. */
    static final double MAX_DERIVATIVE_EXACT = exactDerivative(Expr.arg(0)).eval(Math.sqrt(2.0));
    static final double MAX_DERIVATIVE_TANH = SpecialFunctions.maximum(tanhDerivative(Expr.arg(0))::eval, 0.0, 5.0);

    private final boolean tanh;

    Gelu(boolean tanh) {
        this.tanh = tanh;
    }

    static ComponentFactory<Activation> factory() {
        return ComponentFactory.of(ComponentKind.ACTIVATION, ID, "Gaussian error linear unit x Φ(x), exact (erf) or with the tanh approximation",
                List.of(ParameterSpec.choice(APPROXIMATE, NONE, List.of(NONE, TANH), "'none' for the exact erf form, 'tanh' for the approximation")),
                p -> new Gelu(TANH.equals(p.getString(APPROXIMATE))));
    }

    @Override
    protected Expr function(Expr x) {
        return tanh ? x.mul(tanhU(x).mul(2).sigmoid()) : x.mul(SpecialFunctions.normalCdf(x, SpecialFunctions.gaussian(x)));
    }

    /**
     * The exact form's {@code Φ(x) + x φ(x)} takes {@code Φ(x)} from the output, {@code y / x} (but
     * next to 0, where it is 1/2), which leaves the backward pass one exponential instead of Φ again.
     */
    @Override
    protected Expr derivative(Expr x, Expr y) {
        if (tanh) {
            return tanhDerivative(x);
        }
        Expr cdf = Expr.where(x.abs().gt(1e-30), y.div(x), Expr.constant(0.5));
        return cdf.add(x.mul(SpecialFunctions.gaussian(x).mul(SpecialFunctions.INV_SQRT_2PI)));
    }

    /** {@code Φ(x) + x φ(x)}, from {@code x} alone. */
    private static Expr exactDerivative(Expr x) {
        Expr gauss = SpecialFunctions.gaussian(x);
        return SpecialFunctions.normalCdf(x, gauss).add(x.mul(gauss.mul(SpecialFunctions.INV_SQRT_2PI)));
    }

    /** {@code u = sqrt(2/π) (x + 0.044715 x³)}. */
    private static Expr tanhU(Expr x) {
        return x.add(x.square().mul(x).mul(C)).mul(SpecialFunctions.SQRT_2_OVER_PI);
    }

    /** {@code s + 2 x s (1 - s) u'} with {@code s = sigmoid(2u)}, {@code 1 - s = sigmoid(-2u)}. */
    private static Expr tanhDerivative(Expr x) {
        Expr twoU = tanhU(x).mul(2);
        Expr du = x.square().mul(3 * C).add(1).mul(SpecialFunctions.SQRT_2_OVER_PI);
        Expr s = twoU.sigmoid();
        return s.add(x.mul(2).mul(s).mul(twoU.neg().sigmoid()).mul(du));
    }

    @Override
    public double maxDerivative() {
        return tanh ? MAX_DERIVATIVE_TANH : MAX_DERIVATIVE_EXACT;
    }
}
