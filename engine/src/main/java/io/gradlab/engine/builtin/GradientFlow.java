package io.gradlab.engine.builtin;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.tensor.DType;
import io.gradlab.engine.kernel.FloatKernels;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares the weight-gradient norm of the first hidden layer with the last hidden layer's, averaged
 * over the epoch, and reports a vanishing or exploding gradient with the remedies that address it.
 */
final class GradientFlow implements Diagnostic {
    private static final FloatKernels KERNELS = FloatKernels.get();
    static final List<String> VANISHING_REMEDIES = List.of(
            "a ReLU-family activation (examples/m05/relu.yaml)",
            "batch normalization between each dense layer and its activation (examples/m05/batchnorm.yaml)",
            "skip connections (examples/m05/skip.yaml)",
            "the Adam optimizer (examples/m05/adam.yaml)",
            "a larger / better initialization (examples/m05/weight-std1.yaml)",
            "gradient normalization (examples/m05/gradnorm.yaml)",
            "layer-wise training (examples/m05/layerwise.yaml)");
    static final List<String> EXPLODING_REMEDIES = List.of(
            "clip gradients by global norm (gradient-transforms: [{id: clip-norm, max-norm: 1.0}])",
            "a smaller learning rate",
            "a smaller initialization scale");

    private final double vanishingRatio;
    private final double explodingRatio;
    private double firstSum;
    private double lastSum;
    private long steps;
    private String firstName;
    private String lastName;

    GradientFlow(double vanishingRatio, double explodingRatio) {
        this.vanishingRatio = vanishingRatio;
        this.explodingRatio = explodingRatio;
    }

    @Override
    public void afterBackward(ModelView model) {
        List<LayerView> weighted = model.weightedLayers();
        if (weighted.size() < 3) {
            return; // needs at least two hidden layers and an output layer
        }
        LayerView first = weighted.get(0);
        LayerView last = weighted.get(weighted.size() - 2);
        firstName = first.name();
        lastName = last.name();
        firstSum += Math.sqrt(sumOfSquares(first));
        lastSum += Math.sqrt(sumOfSquares(last));
        steps++;
    }

    private static double sumOfSquares(LayerView view) {
        var g = view.weight().grad();
        if (g.dtype() == DType.F32) {
            return KERNELS.sumOfSquares(g.floats(), 0, g.size()); // runs every step: the fast path
        }
        double s = 0;
        for (int i = 0; i < g.size(); i++) {
            double v = g.get(i);
            s += v * v;
        }
        return s;
    }

    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        if (steps == 0) {
            return;
        }
        double first = firstSum / steps;
        double last = lastSum / steps;
        firstSum = 0;
        lastSum = 0;
        steps = 0;
        double ratio = last == 0 ? (first == 0 ? 1 : Double.POSITIVE_INFINITY) : first / last;
        sink.metric("grad_ratio_first_last", ratio);
        Map<String, Object> evidence = Map.of(firstName + "_grad_norm", first, lastName + "_grad_norm", last, "ratio", ratio);
        if (ratio < vanishingRatio) {
            sink.finding(new Finding(Severity.CRITICAL, "vanishing-gradient", String.format(Locale.ROOT,
                    "vanishing gradient: the first hidden layer '%s' gets a weight gradient %.3g times the last hidden layer's '%s' (%.3g vs %.3g); the early layers barely learn",
                    firstName, ratio, lastName, first, last), firstName, evidence, VANISHING_REMEDIES));
        } else if (ratio > explodingRatio) {
            sink.finding(new Finding(Severity.CRITICAL, "exploding-gradient", String.format(Locale.ROOT,
                    "exploding gradient: the first hidden layer '%s' gets a weight gradient %.3g times the last hidden layer's '%s'",
                    firstName, ratio, lastName), firstName, evidence, EXPLODING_REMEDIES));
        }
    }
}
