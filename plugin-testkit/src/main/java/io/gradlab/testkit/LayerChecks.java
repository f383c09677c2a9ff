package io.gradlab.testkit;

import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** The behavioural checks shared by {@link LayerContract} and {@link NormalizerContract}. */
final class LayerChecks {
    private LayerChecks() {}

    /** The outputs, input gradient and parameter gradients of one forward/backward pass, flattened. */
    record Pass(double[] output, double[] gradInput, List<double[]> parameterGrads, List<double[]> parameterValues) {}

    static Pass pass(Layer layer, Tensor x, Tensor gradY, Mode mode) {
        for (Parameter p : layer.parameters()) {
            p.grad().fill(0.0);
        }
        double[] y = layer.forward(x, mode).toDoubleArray();
        Tensor gx = layer.backward(gradY);
        if (gx == null) {
            throw new AssertionError(layer + ": backward returned null although the input gradient is required");
        }
        List<double[]> grads = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (Parameter p : layer.parameters()) {
            grads.add(p.grad().toDoubleArray());
            values.add(p.value().toDoubleArray());
        }
        return new Pass(y, gx.toDoubleArray(), grads, values);
    }

    static Layer build(Supplier<Layer> maker, int inputWidth, DType dtype, long seed) {
        Layer layer = maker.get();
        layer.build(inputWidth, TestContexts.context(dtype, seed));
        layer.setInputGradientRequired(true);
        return layer;
    }

    static void float32AndFloat64Agree(String where, Supplier<Layer> maker, int inputWidth, int batch, Mode mode, long seed) {
        Layer single = build(maker, inputWidth, DType.F32, seed);
        Layer dbl = build(maker, inputWidth, DType.F64, seed);
        SeededRandom random = new SeededRandom(seed).fork("agreement");
        Tensor x32 = TestContexts.randomNormal(DType.F32, random, 1.0, batch, inputWidth);
        int outputWidth = dbl.build(inputWidth, TestContexts.f64(seed));
        Tensor g32 = TestContexts.randomNormal(DType.F32, random, 1.0, batch, outputWidth);
        Pass a = pass(single, x32, g32, mode);
        Pass b = pass(dbl, x32.to(DType.F64), g32.to(DType.F64), mode);
        Closeness.assertClose(where + ": float32 output vs float64", b.output(), a.output(), 1e-4, 1e-5);
        Closeness.assertClose(where + ": float32 input gradient vs float64", b.gradInput(), a.gradInput(), 1e-4, 1e-5);
        for (int i = 0; i < a.parameterGrads().size(); i++) {
            String name = single.parameters().get(i).name();
            Closeness.assertClose(where + ": float32 initial '" + name + "' vs float64", b.parameterValues().get(i),
                    a.parameterValues().get(i), 1e-6, 1e-7);
            Closeness.assertClose(where + ": float32 gradient of '" + name + "' vs float64", b.parameterGrads().get(i),
                    a.parameterGrads().get(i), 1e-4, 1e-5);
        }
    }

    static void sameSeedGivesTheSameResult(String where, Supplier<Layer> maker, int inputWidth, int batch, Mode mode, long seed) {
        for (DType dtype : DType.values()) {
            Layer first = build(maker, inputWidth, dtype, seed);
            Layer second = build(maker, inputWidth, dtype, seed);
            Tensor x = TestContexts.randomNormal(dtype, new SeededRandom(seed), 1.0, batch, inputWidth);
            int outputWidth = first.build(inputWidth, TestContexts.context(dtype, seed));
            Tensor g = TestContexts.randomNormal(dtype, new SeededRandom(seed + 1), 1.0, batch, outputWidth);
            Pass a = pass(first, x, g, mode);
            Pass b = pass(second, x, g, mode);
            Closeness.assertIdentical(where + " " + dtype + " output", a.output(), b.output());
            Closeness.assertIdentical(where + " " + dtype + " input gradient", a.gradInput(), b.gradInput());
            for (int i = 0; i < a.parameterGrads().size(); i++) {
                String name = first.parameters().get(i).name();
                Closeness.assertIdentical(where + " " + dtype + " initial '" + name + "'", a.parameterValues().get(i),
                        b.parameterValues().get(i));
                Closeness.assertIdentical(where + " " + dtype + " gradient of '" + name + "'", a.parameterGrads().get(i),
                        b.parameterGrads().get(i));
            }
        }
    }

    /** Parameter gradients are added (two backward passes give twice the gradient); the input gradient is overwritten. */
    static void parameterGradientsAccumulate(String where, Supplier<Layer> maker, int inputWidth, int batch, Mode mode, long seed) {
        Layer layer = build(maker, inputWidth, DType.F64, seed);
        Tensor x = TestContexts.randomNormal(DType.F64, new SeededRandom(seed), 1.0, batch, inputWidth);
        int outputWidth = layer.build(inputWidth, TestContexts.f64(seed));
        Tensor g = TestContexts.randomNormal(DType.F64, new SeededRandom(seed + 1), 1.0, batch, outputWidth);
        Pass once = pass(layer, x, g, mode);
        Tensor gradInput = layer.backward(g);
        double[] again = gradInput.toDoubleArray();
        gradInput.fill(Double.NaN);
        double[] third = layer.backward(g).toDoubleArray();
        Closeness.assertClose(where + ": input gradient of a second backward pass", once.gradInput(), again, 1e-12, 1e-14);
        Closeness.assertClose(where + ": input gradient after its buffer was overwritten (backward must write it, not add to it)",
                once.gradInput(), third, 1e-12, 1e-14);
        List<Parameter> parameters = layer.parameters();
        for (int i = 0; i < parameters.size(); i++) {
            double[] expected = once.parameterGrads().get(i).clone();
            for (int k = 0; k < expected.length; k++) {
                expected[k] *= 3;
            }
            Closeness.assertClose(where + ": gradient of '" + parameters.get(i).name()
                    + "' after three backward passes (backward must add into Parameter.grad())",
                    expected, parameters.get(i).grad().toDoubleArray(), 1e-12, 1e-14);
        }
    }

    /** Output and gradient shapes for two batch sizes, unique parameter names, gradients shaped like values. */
    static void shapesAreConsistent(String where, Supplier<Layer> maker, int inputWidth, Mode mode, long seed) {
        Layer layer = maker.get();
        int outputWidth = layer.build(inputWidth, TestContexts.f64(seed));
        layer.setInputGradientRequired(true);
        if (outputWidth <= 0) {
            throw new AssertionError(where + ": build returned output width " + outputWidth);
        }
        for (int batch : new int[] {3, 5, 2}) {
            Tensor x = TestContexts.randomNormal(DType.F64, new SeededRandom(seed), 1.0, batch, inputWidth);
            Tensor y = layer.forward(x, mode);
            if (y.rows() != batch || y.cols() != outputWidth) {
                throw new AssertionError(where + ": forward of a [" + batch + ", " + inputWidth + "] batch gave ["
                        + y.rows() + ", " + y.cols() + "], expected [" + batch + ", " + outputWidth + "]");
            }
            if (!y.allFinite()) {
                throw new AssertionError(where + ": non-finite output for a normal(0, 1) batch of " + batch + ": " + y);
            }
            Tensor gx = layer.backward(TestContexts.randomNormal(DType.F64, new SeededRandom(seed), 1.0, batch, outputWidth));
            if (gx == null || gx.rows() != batch || gx.cols() != inputWidth) {
                throw new AssertionError(where + ": backward for a batch of " + batch + " gave "
                        + (gx == null ? "null" : "[" + gx.rows() + ", " + gx.cols() + "]") + ", expected ["
                        + batch + ", " + inputWidth + "]");
            }
        }
        Set<String> names = new HashSet<>();
        for (Parameter p : layer.parameters()) {
            if (!names.add(p.name())) {
                throw new AssertionError(where + ": two parameters are named '" + p.name() + "'");
            }
            if (!p.grad().sameShape(p.value())) {
                throw new AssertionError(where + ": the gradient of '" + p.name() + "' is not shaped like its value");
            }
            if (!p.value().allFinite()) {
                throw new AssertionError(where + ": parameter '" + p.name() + "' is not finite after build");
            }
        }
    }
}
