package io.gradlab.testkit;

import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import java.util.Arrays;

/** Runs an activation on given inputs: outputs, derivatives, and the grid the contract scans. */
final class ActivationProbe {
    private ActivationProbe() {}

    /** {@code {y, gradX}} for inputs {@code x} and output gradient {@code gradY}, in their element type. */
    static double[][] run(Activation activation, Tensor x, Tensor gradY) {
        Tensor y = Tensor.zeros(x.dtype(), x.shape());
        activation.forward(x, y);
        Tensor gradX = Tensor.zeros(x.dtype(), x.shape());
        activation.backward(x, y, gradY, gradX);
        return new double[][] {y.toDoubleArray(), gradX.toDoubleArray()};
    }

    /** {@code {x, y, f'(x)}} on the scan grid: step 1e-3 on [-30, 30], step 0.5 out to ±1000, laid out as {@code [rows, units]}. */
    static double[][] scan(Activation activation, int units, DType dtype) {
        int fine = 60_001;
        int coarse = 1_940;
        int n = fine + 2 * coarse;
        int rows = (n + units - 1) / units;
        Tensor x = Tensor.zeros(dtype, rows, units);
        for (int i = 0; i < rows * units; i++) {
            double v;
            if (i < fine) {
                v = -30.0 + i * 1e-3;
            } else if (i < fine + coarse) {
                v = 30.5 + (i - fine) * 0.5;
            } else if (i < n) {
                v = -30.5 - (i - fine - coarse) * 0.5;
            } else {
                v = 0.0;
            }
            x.set(i, v);
        }
        Tensor ones = Tensor.zeros(dtype, x.shape());
        ones.fill(1.0);
        double[][] r = run(activation, x, ones);
        return new double[][] {x.toDoubleArray(), r[0], r[1]};
    }

    /** Values where the tails, the float32 exponent's range and tiny inputs are probed besides the grid and random points. */
    private static final double[] SPECIAL = {0.0, -0.0, 1e-30, -1e-30, 1e-6, -1e-6, 50, -50, 87, -87, 88.5, -88.5, 100, -100, 1000, -1000};

    /**
     * Checks that {@code activation}'s forward and backward passes (through the kernels it was bound
     * to, in {@code dtype}) compute its definition, {@link ElementwiseActivation#value} and {@link
     * ElementwiseActivation#derivative(double, double)} in double, within {@code rtol} relative plus
     * {@code atol} times the size of the terms ({@code max(1, |x|)}, and for the gradient also
     * {@code |gradY| max(1, maxDerivative())}). Points: a grid over [-30, 30], random normal(0, 4)
     * points and {@link #SPECIAL}, all exact in float32, none within 1e-3 of a kink.
     */
    static void assertKernelsComputeTheDefinition(String where, ElementwiseActivation activation, int units, DType dtype,
                                                   SeededRandom random, double rtol, double atol) {
        double[] points = definitionPoints(random, activation.kinks());
        int rows = (points.length + units - 1) / units;
        Tensor x = Tensor.zeros(dtype, rows, units);
        Tensor gradY = Tensor.zeros(dtype, rows, units);
        for (int i = 0; i < x.size(); i++) {
            x.set(i, points[i % points.length]);
            gradY.set(i, (float) random.normal(0.0, 1.0));
        }
        double[][] r = run(activation, x, gradY);
        double scaleD = Math.max(1.0, activation.maxDerivative());
        for (int i = 0; i < x.size(); i++) {
            double xi = x.get(i);
            double gy = gradY.get(i);
            double y = activation.value(xi);
            double g = activation.derivative(xi, y) * gy;
            double size = Math.max(1.0, Math.abs(xi));
            check(where + " " + dtype + " forward", xi, y, r[0][i], rtol, atol * size);
            check(where + " " + dtype + " backward (gradY " + gy + ")", xi, g, r[1][i], rtol, atol * size * Math.abs(gy) * scaleD);
        }
    }

    private static void check(String what, double x, double expected, double actual, double rtol, double atol) {
        boolean close = Math.abs(actual - expected) <= rtol * Math.abs(expected) + atol
                || Double.isInfinite(expected) && actual == expected;
        if (!close) {
            throw new AssertionError(what + " at x = " + x + " gives " + actual + " where the definition gives " + expected
                    + " (tolerance " + rtol + " relative + " + atol + " absolute); the kernels must compute the same"
                    + " expressions as value() and derivative(): keep every intermediate in range and free of cancellation");
        }
    }

    private static double[] definitionPoints(SeededRandom random, double[] kinks) {
        double[] v = new double[1921 + 1000 + SPECIAL.length];
        int n = 0;
        for (int i = 0; i <= 1920; i++) {
            v[n++] = -30.0 + i / 32.0;
        }
        for (int i = 0; i < 1000; i++) {
            v[n++] = (float) random.normal(0.0, 4.0);
        }
        for (double s : SPECIAL) {
            v[n++] = s;
        }
        return Arrays.stream(v).filter(p -> Arrays.stream(kinks).noneMatch(k -> Math.abs(p - k) < 1e-3 * Math.max(1.0, Math.abs(k))))
                .toArray();
    }
}
