package io.gradlab.testkit;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The gradient check of an {@link Activation}: the input gradient and the gradient of every learnable
 * parameter (PReLU's slopes) at random points, at the edge values and at the declared
 * {@link Activation#kinks() kinks} (compared with one-sided differences), in float64; then the
 * outputs and derivatives at the tail values ({@link GradientCheck#defaultTailValues()}) must be finite
 * in both float64 and float32 (with every float32 intermediate rounded to float: {@link
 * ReferenceOps#float32Steps()}).
 *
 * <p>Layout: the input is a {@code [rows, units]} matrix, {@link #batch} rows of random points
 * (kept at least 1e-3 away from every kink) followed by rows holding the edge values and the kinks.
 */
public final class ActivationCheck extends CheckBuilder<ActivationCheck> {
    private final Function<Map<String, Object>, Activation> maker;
    private int units = 5;
    private double[] tailValues = GradientCheck.defaultTailValues();

    ActivationCheck(String componentId, Function<Map<String, Object>, Activation> maker) {
        super(ComponentKind.ACTIVATION, componentId, 2.0);
        this.maker = requireNonNull(maker, "maker is null");
    }

    @Override
    ActivationCheck self() {
        return this;
    }

    /** The number of units the activation is bound to (columns of the input). */
    public ActivationCheck units(int units) {
        if (units <= 0) {
            throw new IllegalArgumentException("units must be positive, got " + units);
        }
        this.units = units;
        return this;
    }

    /** The values where outputs and derivatives must only be finite (default ±100, ±1000); none to skip. */
    public ActivationCheck tailValues(double... values) {
        this.tailValues = values.clone();
        return this;
    }

    @Override
    public GradCheckReport run() {
        Comparison comparison = new Comparison(step(), threshold());
        SeededRandom random = new SeededRandom(seed()).fork("gradient-check");
        Activation activation = newBound(DType.F64);
        double[] kinks = Arrays.stream(activation.kinks()).filter(Double::isFinite).toArray();

        Tensor x = points(random, kinks);
        Tensor y = Tensor.zeros(DType.F64, x.shape());
        activation.forward(x, y);
        Tensor weights = TestContexts.randomNormal(DType.F64, random, 1.0, x.shape());
        Tensor gradX = Tensor.zeros(DType.F64, x.shape());
        gradX.fill(Double.NaN);
        activation.backward(x, y, weights, gradX);
        double[] analyticInput = gradX.toDoubleArray();
        List<Parameter> parameters = activation.parameters();
        for (Parameter p : parameters) {
            p.grad().fill(0.0);
        }
        activation.accumulateGradients(x, y, weights);
        List<double[]> analyticParams = new ArrayList<>();
        for (Parameter p : parameters) {
            analyticParams.add(p.grad().toDoubleArray());
        }

        Comparison.Outputs outputs = () -> {
            Tensor out = Tensor.zeros(DType.F64, x.shape());
            activation.forward(x, out);
            return out.toDoubleArray();
        };
        double[] w = weights.toDoubleArray();
        int randomCount = batch() * units;
        int[] randomIdx = indices(randomCount, random.fork("input"));
        int[] edgeIdx = IntStream.range(randomCount, x.size()).toArray();
        comparison.compare("input", x, analyticInput, outputs, w, kinks, randomIdx, "random point");
        comparison.compare("input", x, analyticInput, outputs, w, kinks, edgeIdx, "edge point");
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            comparison.compare("parameter '" + p.name() + "'", p.value(), analyticParams.get(i), outputs, w, null,
                    indices(p.value().size(), random.fork("parameter " + p.name())), "");
        }
        checkTails(comparison);
        return comparison.report(kind(), componentId());
    }

    private Activation newBound(DType dtype) {
        Activation activation = requireNonNull(maker.apply(params()), () -> componentId() + ": no activation was created");
        activation.bind(units, TestContexts.context(dtype, seed()).withOps(ReferenceOps.float32Steps()));
        return activation;
    }

    /** Random rows, then rows with the edge values and kinks (padded with random points). */
    private Tensor points(SeededRandom random, double[] kinks) {
        List<Double> special = new ArrayList<>();
        for (double v : edgeValues()) {
            special.add(v);
        }
        for (double k : kinks) {
            if (inDomain(k) && !special.contains(k)) {
                special.add(k);
            }
        }
        int specialRows = (special.size() + units - 1) / units;
        Tensor x = Tensor.zeros(DType.F64, batch() + specialRows, units);
        for (int i = 0; i < x.size(); i++) {
            int s = i - batch() * units;
            x.set(i, s >= 0 && s < special.size() ? special.get(s) : awayFromKinks(random, kinks));
        }
        return x;
    }

    private double awayFromKinks(SeededRandom random, double[] kinks) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            double v = randomPoint(random);
            boolean near = false;
            for (double k : kinks) {
                near |= Math.abs(v - k) < 1e-3;
            }
            if (!near) {
                return v;
            }
        }
        throw new IllegalStateException(componentId() + ": no random point away from the kinks " + Arrays.toString(kinks));
    }

    private void checkTails(Comparison comparison) {
        if (tailValues.length == 0) {
            return;
        }
        for (DType dtype : DType.values()) {
            Activation activation = newBound(dtype);
            int rows = (tailValues.length + units - 1) / units;
            Tensor x = Tensor.zeros(dtype, rows, units);
            for (int i = 0; i < x.size(); i++) {
                x.set(i, tailValues[i % tailValues.length]);
            }
            Tensor y = Tensor.zeros(dtype, x.shape());
            activation.forward(x, y);
            Tensor ones = Tensor.zeros(dtype, x.shape());
            ones.fill(1.0);
            Tensor gradX = Tensor.zeros(dtype, x.shape());
            activation.backward(x, y, ones, gradX);
            report(comparison, dtype, "output", x, y);
            report(comparison, dtype, "derivative", x, gradX);
        }
    }

    private static void report(Comparison comparison, DType dtype, String what, Tensor x, Tensor values) {
        for (int i = 0; i < values.size(); i++) {
            if (!Double.isFinite(values.get(i))) {
                comparison.problem("non-finite " + what + " " + values.get(i) + " at x = " + x.get(i) + " in " + dtype
                        + "; keep the tails finite (compute exp of non-positive arguments, use log1p)");
                return;
            }
        }
    }
}
