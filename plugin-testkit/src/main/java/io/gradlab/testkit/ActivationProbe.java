package io.gradlab.testkit;

import io.gradlab.api.nn.Activation;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;

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
}
