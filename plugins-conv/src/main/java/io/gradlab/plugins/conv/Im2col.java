package io.gradlab.plugins.conv;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import java.util.Arrays;

/**
 * The copies around a convolution's matrix products, for one sample at a time: gather through a
 * table (im2col), scatter-add back (col2im), and moving a sample's planes in and out of a scratch
 * matrix. Plain loops over the backing arrays, float32 and float64 alike.
 */
final class Im2col {
    private Im2col() {}

    /** {@code col[j] = x[base + table[j]]}, 0 where the table says -1. */
    static void gather(int[] table, Tensor x, int base, Tensor col) {
        int xo = x.offset() + base;
        int co = col.offset();
        if (x.dtype() == DType.F32) {
            float[] xs = x.floats();
            float[] cs = col.floats();
            for (int j = 0; j < table.length; j++) {
                int i = table[j];
                cs[co + j] = i < 0 ? 0f : xs[xo + i];
            }
        } else {
            double[] xs = x.doubles();
            double[] cs = col.doubles();
            for (int j = 0; j < table.length; j++) {
                int i = table[j];
                cs[co + j] = i < 0 ? 0.0 : xs[xo + i];
            }
        }
    }

    /** {@code dx[base .. base + size) = 0}, then {@code dx[base + table[j]] += col[j]}. */
    static void scatter(int[] table, Tensor col, Tensor dx, int base, int size) {
        int xo = dx.offset() + base;
        int co = col.offset();
        if (dx.dtype() == DType.F32) {
            float[] xs = dx.floats();
            float[] cs = col.floats();
            Arrays.fill(xs, xo, xo + size, 0f);
            for (int j = 0; j < table.length; j++) {
                int i = table[j];
                if (i >= 0) {
                    xs[xo + i] += cs[co + j];
                }
            }
        } else {
            double[] xs = dx.doubles();
            double[] cs = col.doubles();
            Arrays.fill(xs, xo, xo + size, 0.0);
            for (int j = 0; j < table.length; j++) {
                int i = table[j];
                if (i >= 0) {
                    xs[xo + i] += cs[co + j];
                }
            }
        }
    }

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
