package io.gradlab.plugins.conv;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;

/**
 * The copies around a convolution's matrix products: a sample's planes in and out of its block of
 * a scratch matrix that holds several samples side by side (with the bias), and the bias gradient's sums. Plain loops
 * over the backing arrays, float32 and float64 alike; im2col itself is {@link Unfold}.
 */
final class Planes {
    private Planes() {}

    /**
     * {@code y[base + c p + q] = plane[c, slot p + q] + bias[c]} (no bias when {@code null}): block
     * {@code slot} of a matrix holding the planes of several samples side by side.
     */
    static void store(Tensor plane, int p, int slot, Tensor bias, Tensor y, int base) {
        int channels = plane.rows();
        int stride = plane.cols();
        int yo = y.offset() + base;
        int po = plane.offset() + slot * p;
        if (y.dtype() == DType.F32) {
            float[] ys = y.floats();
            float[] ps = plane.floats();
            for (int c = 0; c < channels; c++) {
                float b = bias == null ? 0f : (float) bias.get(c);
                int to = yo + c * p;
                int from = po + c * stride;
                for (int q = 0; q < p; q++) {
                    ys[to + q] = ps[from + q] + b;
                }
            }
        } else {
            double[] ys = y.doubles();
            double[] ps = plane.doubles();
            for (int c = 0; c < channels; c++) {
                double b = bias == null ? 0.0 : bias.get(c);
                int to = yo + c * p;
                int from = po + c * stride;
                for (int q = 0; q < p; q++) {
                    ys[to + q] = ps[from + q] + b;
                }
            }
        }
    }

    /** {@code plane[c, slot p + q] = y[base + c p + q]}: the planes of one sample into block {@code slot}. */
    static void load(Tensor y, int base, Tensor plane, int p, int slot) {
        int channels = plane.rows();
        int stride = plane.cols();
        int yo = y.offset() + base;
        int po = plane.offset() + slot * p;
        for (int c = 0; c < channels; c++) {
            if (y.dtype() == DType.F32) {
                System.arraycopy(y.floats(), yo + c * p, plane.floats(), po + c * stride, p);
            } else {
                System.arraycopy(y.doubles(), yo + c * p, plane.doubles(), po + c * stride, p);
            }
        }
    }

    /** {@code sums[c] += sum over q of plane[c, q]}, accumulated in double. */
    static void addRowSums(Tensor plane, Tensor sums) {
        int channels = plane.rows();
        int p = plane.cols();
        for (int c = 0; c < channels; c++) {
            double s = 0;
            if (plane.dtype() == DType.F32) {
                float[] ps = plane.floats();
                int o = plane.offset() + c * p;
                for (int q = 0; q < p; q++) {
                    s += ps[o + q];
                }
            } else {
                double[] ps = plane.doubles();
                int o = plane.offset() + c * p;
                for (int q = 0; q < p; q++) {
                    s += ps[o + q];
                }
            }
            sums.set(c, sums.get(c) + s);
        }
    }

    /**
     * {@code sums[c] += sum over samples s < g and q < p of y[base + (s channels + c) p + q]}, accumulated in
     * double in the order of {@link #addRowSums(Tensor, Tensor)} on those samples loaded side by side.
     */
    static void addRowSums(Tensor y, int base, int g, int channels, int p, Tensor sums) {
        int size = channels * p;
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int n = 0; n < g; n++) {
                int o = y.offset() + base + n * size + c * p;
                if (y.dtype() == DType.F32) {
                    float[] ys = y.floats();
                    for (int q = 0; q < p; q++) {
                        s += ys[o + q];
                    }
                } else {
                    double[] ys = y.doubles();
                    for (int q = 0; q < p; q++) {
                        s += ys[o + q];
                    }
                }
            }
            sums.set(c, sums.get(c) + s);
        }
    }
}
