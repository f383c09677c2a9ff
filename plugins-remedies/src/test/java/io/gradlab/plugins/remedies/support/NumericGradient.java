package io.gradlab.plugins.remedies.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.testkit.TestBuildContext;
import io.gradlab.testkit.TestContexts;
import java.util.ArrayList;
import java.util.List;

/**
 * Central-difference gradient checks in float64 of an already built layer at a given point (the
 * test kit's {@code GradientCheck} builds its own layers; this one can check, e.g., batch norm in
 * EVAL mode with non-trivial running statistics): the scalar {@code L = sum(r * layer(x))} for a
 * random {@code r}, its analytic gradient from {@code backward(r)} against
 * {@code (L(v + h) - L(v - h)) / 2h} for every input element and every parameter element.
 */
public final class NumericGradient {
    private static final double H = 1e-6;

    private NumericGradient() {}

    /** Builds {@code layer} for {@code inputWidth} features and checks it on a random batch; returns the number of elements checked. */
    public static int check(Layer layer, int inputWidth, int batch, Mode mode, long seed) {
        TestBuildContext ctx = TestContexts.f64(seed);
        int out = layer.build(inputWidth, ctx);
        SeededRandom random = new SeededRandom(seed + 1);
        Tensor x = Tensor.zeros(DType.F64, batch, inputWidth);
        for (int i = 0; i < x.size(); i++) {
            x.set(i, random.normal(0, 1));
        }
        Tensor r = Tensor.zeros(DType.F64, batch, out);
        for (int i = 0; i < r.size(); i++) {
            r.set(i, random.normal(0, 1));
        }
        return check(layer, x, r, mode);
    }

    /** Checks an already built layer at {@code x} with the output weights {@code r}. */
    public static int check(Layer layer, Tensor x, Tensor r, Mode mode) {
        List<Parameter> params = allParameters(layer);
        for (Parameter p : params) {
            p.grad().fill(0);
        }
        layer.forward(x, mode);
        Tensor gx = layer.backward(r).copy();
        List<Tensor> analytic = new ArrayList<>();
        for (Parameter p : params) {
            analytic.add(p.grad().copy());
        }
        int checked = 0;
        for (int i = 0; i < x.size(); i++) {
            double numeric = numeric(layer, x, x, i, r, mode);
            assertClose("d/dx[" + i + "] of " + layer.name(), gx.get(i), numeric);
            checked++;
        }
        for (int k = 0; k < params.size(); k++) {
            Tensor v = params.get(k).value();
            for (int i = 0; i < v.size(); i++) {
                double numeric = numeric(layer, x, v, i, r, mode);
                assertClose("d/d" + params.get(k).name() + "[" + i + "] of " + layer.name(), analytic.get(k).get(i), numeric);
                checked++;
            }
        }
        return checked;
    }

    private static double numeric(Layer layer, Tensor x, Tensor target, int i, Tensor r, Mode mode) {
        double old = target.get(i);
        target.set(i, old + H);
        double plus = loss(layer, x, r, mode);
        target.set(i, old - H);
        double minus = loss(layer, x, r, mode);
        target.set(i, old);
        return (plus - minus) / (2 * H);
    }

    private static double loss(Layer layer, Tensor x, Tensor r, Mode mode) {
        Tensor y = layer.forward(x, mode);
        double s = 0;
        for (int i = 0; i < y.size(); i++) {
            s += y.get(i) * r.get(i);
        }
        return s;
    }

    private static void assertClose(String what, double analytic, double numeric) {
        double tol = 1e-6 + 1e-5 * Math.max(Math.abs(analytic), Math.abs(numeric));
        assertThat(Math.abs(analytic - numeric)).as("%s: analytic %s vs numeric %s", what, analytic, numeric).isLessThanOrEqualTo(tol);
    }

    /** The parameters of a layer and of all its descendants. */
    public static List<Parameter> allParameters(Layer layer) {
        List<Parameter> out = new ArrayList<>(layer.parameters());
        for (Layer c : layer.children()) {
            out.addAll(allParameters(c));
        }
        return out;
    }
}
