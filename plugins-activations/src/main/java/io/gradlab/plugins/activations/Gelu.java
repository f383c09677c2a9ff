package io.gradlab.plugins.activations;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.ParameterSpec;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import java.util.List;

/**
 * GELU {@code x Φ(x)} (Hendrycks and Gimpel 2016), exactly with {@link SpecialFunctions#normalCdf}
 * or with PyTorch's tanh approximation {@code x (1 + tanh(sqrt(2/π) (x + 0.044715 x³))) / 2},
 * evaluated as {@code x sigmoid(2 u)} so that the left tail keeps its relative accuracy.
 */
final class Gelu extends ElementwiseActivation {
    static final String ID = "gelu";
    static final String APPROXIMATE = "approximate";
    static final String NONE = "none";
    static final String TANH = "tanh";
    private static final double C = 0.044715;

    /** The exact GELU's largest derivative, at {@code x = sqrt 2}: {@code Φ(√2) + √2 φ(√2)} ≈ 1.1290. */
    static final double MAX_DERIVATIVE_EXACT = exactDerivative(Math.sqrt(2.0));
    static final double MAX_DERIVATIVE_TANH = SpecialFunctions.maximum(Gelu::tanhDerivative, 0.0, 5.0);

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
    public double value(double x) {
        return tanh ? tanhValue(x) : x * SpecialFunctions.normalCdf(x);
    }

    @Override
    public double derivative(double x, double y) {
        return tanh ? tanhDerivative(x) : exactDerivative(x);
    }

    private static double exactDerivative(double x) {
        return SpecialFunctions.normalCdf(x) + x * SpecialFunctions.normalPdf(x);
    }

    private static double tanhValue(double x) {
        double u = SpecialFunctions.SQRT_2_OVER_PI * (x + C * x * x * x);
        return x * SpecialFunctions.sigmoid(2 * u);
    }

    /** {@code s + 2 x s (1 - s) u'} with {@code s = sigmoid(2u)}, {@code 1 - s = sigmoid(-2u)}. */
    private static double tanhDerivative(double x) {
        double u = SpecialFunctions.SQRT_2_OVER_PI * (x + C * x * x * x);
        double du = SpecialFunctions.SQRT_2_OVER_PI * (1 + 3 * C * x * x);
        double s = SpecialFunctions.sigmoid(2 * u);
        double sm = SpecialFunctions.sigmoid(-2 * u);
        return s + 2 * x * s * sm * du;
    }

    @Override
    protected void forward(float[] x, float[] y, int n) {
        if (tanh) {
            for (int i = 0; i < n; i++) {
                y[i] = (float) tanhValue(x[i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                double v = x[i];
                y[i] = (float) (v * SpecialFunctions.normalCdf(v));
            }
        }
    }

    @Override
    protected void backward(float[] x, float[] y, float[] gradY, float[] gradX, int n) {
        if (tanh) {
            for (int i = 0; i < n; i++) {
                gradX[i] = (float) (tanhDerivative(x[i]) * gradY[i]);
            }
        } else {
            for (int i = 0; i < n; i++) {
                gradX[i] = (float) (exactDerivative(x[i]) * gradY[i]);
            }
        }
    }

    @Override
    public double maxDerivative() {
        return tanh ? MAX_DERIVATIVE_TANH : MAX_DERIVATIVE_EXACT;
    }
}
