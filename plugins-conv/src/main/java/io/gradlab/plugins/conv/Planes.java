package io.gradlab.plugins.conv;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;

/**
 * The copies around a convolution's matrix products, for one sample at a time: a sample's output
 * planes in and out of a scratch matrix (with the bias), and the bias gradient's sums. Plain loops
 * over the backing arrays, float32 and float64 alike; im2col itself is {@link Unfold}.
 */
final class Planes {
    private Planes() {}

    /** {@code y[base + c P + q] = plane[c, q] + bias[c]} (no bias when {@code null}). */
    static void store(Tensor plane, Tensor bias, Tensor y, int base) {
        int channels = plane.rows();
        int p = plane.cols();
        int yo = y.offset() + base;
        int po = plane.offset();
        if (y.dtype() == DType.F32) {
            float[] ys = y.floats();
            float[] ps = plane.floats();
            for (int c = 0; c < channels; c++) {
                float b = bias == null ? 0f : (float) bias.get(c);
                int row = c * p;
                for (int q = 0; q < p; q++) {
                    ys[yo + row + q] = ps[po + row + q] + b;
                }
            }
        } else {
            double[] ys = y.doubles();
            double[] ps = plane.doubles();
            for (int c = 0; c < channels; c++) {
                double b = bias == null ? 0.0 : bias.get(c);
                int row = c * p;
                for (int q = 0; q < p; q++) {
                    ys[yo + row + q] = ps[po + row + q] + b;
                }
            }
        }
    }

    /** {@code plane = y[base .. base + plane.size())}. */
    static void load(Tensor y, int base, Tensor plane) {
        if (y.dtype() == DType.F32) {
            System.arraycopy(y.floats(), y.offset() + base, plane.floats(), plane.offset(), plane.size());
        } else {
            System.arraycopy(y.doubles(), y.offset() + base, plane.doubles(), plane.offset(), plane.size());
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
}
