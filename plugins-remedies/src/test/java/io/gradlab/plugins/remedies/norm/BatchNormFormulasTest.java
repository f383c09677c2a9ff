package io.gradlab.plugins.remedies.norm;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.testkit.TestContexts;
import org.junit.jupiter.api.Test;

/**
 * Batch norm on the kernels against PyTorch's BatchNorm1d written out per element in double (batch
 * mean, biased variance for the normalisation, unbiased for running-var, momentum, eps; eval on the
 * running statistics) in float64 and float32: the outputs, the running statistics over two training
 * batches, the input gradient and the scale and shift gradients (both when the input gradient is
 * taken, whose column sums they reuse, and when it is not).
 */
class BatchNormFormulasTest {
    private static final int N = 7;
    private static final int D = 5;
    private static final double EPS = 1e-5;
    private static final double MOMENTUM = 0.1;

    /** PyTorch's BatchNorm1d per element, with its running statistics. */
    private static final class Oracle {
        final double[] gamma = new double[D];
        final double[] beta = new double[D];
        final double[] runningMean = new double[D];
        final double[] runningVar = new double[D];
        final double[] invStd = new double[D];
        final double[] xhat = new double[N * D];
        final double[] gs = new double[D];
        final double[] gb = new double[D];

        Oracle() {
            java.util.Arrays.fill(runningVar, 1);
        }

        double[] forward(double[] x, Mode mode) {
            double[] y = new double[N * D];
            for (int c = 0; c < D; c++) {
                double mean;
                if (mode == Mode.TRAIN) {
                    mean = 0;
                    for (int r = 0; r < N; r++) {
                        mean += x[r * D + c] / N;
                    }
                    double ss = 0;
                    for (int r = 0; r < N; r++) {
                        ss += (x[r * D + c] - mean) * (x[r * D + c] - mean);
                    }
                    invStd[c] = 1 / Math.sqrt(ss / N + EPS);
                    runningMean[c] = (1 - MOMENTUM) * runningMean[c] + MOMENTUM * mean;
                    runningVar[c] = (1 - MOMENTUM) * runningVar[c] + MOMENTUM * ss / (N - 1);
                } else {
                    mean = runningMean[c];
                    invStd[c] = 1 / Math.sqrt(runningVar[c] + EPS);
                }
                for (int r = 0; r < N; r++) {
                    int i = r * D + c;
                    xhat[i] = (x[i] - mean) * invStd[c];
                    y[i] = gamma[c] * xhat[i] + beta[c];
                }
            }
            return y;
        }

        double[] backward(double[] gy, Mode mode) {
            double[] gx = new double[N * D];
            for (int c = 0; c < D; c++) {
                double sum = 0;
                double sumX = 0;
                for (int r = 0; r < N; r++) {
                    sum += gy[r * D + c];
                    sumX += gy[r * D + c] * xhat[r * D + c];
                }
                gs[c] += sumX;
                gb[c] += sum;
                for (int r = 0; r < N; r++) {
                    int i = r * D + c;
                    gx[i] = mode == Mode.EVAL ? gy[i] * gamma[c] * invStd[c]
                            : gamma[c] * invStd[c] * (gy[i] - (sum + xhat[i] * sumX) / N);
                }
            }
            return gx;
        }
    }

    @Test
    void forwardBackwardAndRunningStatisticsFollowTheFormulas() {
        for (DType dtype : DType.values()) {
            for (boolean inputGradient : new boolean[] {true, false}) {
                check(dtype, inputGradient);
            }
        }
    }

    private static void check(DType dtype, boolean inputGradient) {
        double tolerance = dtype == DType.F64 ? 1e-12 : 2e-5;
        String what = dtype + (inputGradient ? "" : " without the input gradient");
        BatchNorm bn = new BatchNorm("bn", EPS, MOMENTUM, true);
        bn.build(D, TestContexts.context(dtype, 1));
        bn.setInputGradientRequired(inputGradient);
        Oracle oracle = new Oracle();
        SeededRandom random = new SeededRandom(9);
        Parameter scale = bn.parameters().get(0);
        Parameter shift = bn.parameters().get(1);
        for (int c = 0; c < D; c++) {
            oracle.gamma[c] = round(dtype, random.normal(1, 0.3));
            oracle.beta[c] = round(dtype, random.normal(0, 0.3));
            scale.value().set(c, oracle.gamma[c]);
            shift.value().set(c, oracle.beta[c]);
        }
        for (Mode mode : new Mode[] {Mode.TRAIN, Mode.TRAIN, Mode.EVAL}) {
            double[] x = new double[N * D];
            double[] gy = new double[N * D];
            for (int i = 0; i < x.length; i++) {
                x[i] = round(dtype, random.normal(0.5, 2));
                gy[i] = round(dtype, random.normal(0, 1));
            }
            double[] y = oracle.forward(x, mode);
            close(what + " " + mode + " output", bn.forward(Tensor.of(dtype, x, N, D), mode).toDoubleArray(), y, tolerance);
            close(what + " running mean", bn.state().get("running-mean").toDoubleArray(), oracle.runningMean, tolerance);
            close(what + " running var", bn.state().get("running-var").toDoubleArray(), oracle.runningVar, tolerance);
            double[] gx = oracle.backward(gy, mode);
            Tensor gradInput = bn.backward(Tensor.of(dtype, gy, N, D));
            if (inputGradient) {
                close(what + " " + mode + " input gradient", gradInput.toDoubleArray(), gx, tolerance);
            } else {
                assertThat(gradInput).isNull();
            }
            close(what + " " + mode + " scale gradient", scale.grad().toDoubleArray(), oracle.gs, tolerance);
            close(what + " " + mode + " shift gradient", shift.grad().toDoubleArray(), oracle.gb, tolerance);
        }
    }

    private static double round(DType dtype, double v) {
        return dtype == DType.F32 ? (float) v : v;
    }

    private static void close(String what, double[] actual, double[] expected, double tolerance) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            assertThat(err).as("%s [%d]: %s vs %s", what, i, actual[i], expected[i])
                    .isLessThanOrEqualTo(tolerance * Math.max(1, Math.abs(expected[i])));
        }
    }
}
