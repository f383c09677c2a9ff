package io.gradlab.plugins.conv;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import java.util.Arrays;

/**
 * im2col and col2im of one sample: the column matrix {@code [C kh kw, OH OW]} whose row
 * {@code (c, i, j)} holds input channel {@code c} shifted by kernel element {@code (i, j)}. Each row
 * of it is a run of output rows; within one, the pixels that fall inside the input form one
 * contiguous range {@code [lo_j, hi_j)} of output columns (the rest is padding), so with stride 1
 * a row is one array copy and with a larger stride one strided loop; with stride 1 and an output as
 * wide as the input, a whole row of the column matrix is one array copy.
 */
final class Unfold {
    private final ImageShape in;
    private final ImageShape out;
    private final Window window;
    private final int[] lo;
    private final int[] hi;
    /**
     * Stride 1 and an output as wide as the input: row {@code (c, i, j)} of the column matrix is then
     * the plane of channel {@code c} shifted by one flat offset, so one array copy fills all its
     * output rows in range, and only the padding (whole rows at the top and bottom, at most a few
     * wrapped-around columns at each row's ends) is written apart.
     */
    private final boolean shifted;
    /** Per kernel row {@code i}: the output rows {@code [top_i, bottom_i)} that fall inside the input. */
    private final int[] top;
    private final int[] bottom;

    Unfold(ImageShape in, ImageShape out, Window window) {
        this.in = in;
        this.out = out;
        this.window = window;
        int k = window.kernel();
        lo = new int[k];
        hi = new int[k];
        for (int j = 0; j < k; j++) {
            int first = 0;
            while (first < out.width() && first * window.stride() - window.padding() + j * window.dilation() < 0) {
                first++;
            }
            int last = first;
            while (last < out.width() && last * window.stride() - window.padding() + j * window.dilation() < in.width()) {
                last++;
            }
            lo[j] = first;
            hi[j] = last;
        }
        shifted = window.stride() == 1 && out.width() == in.width();
        top = new int[k];
        bottom = new int[k];
        for (int i = 0; i < k; i++) {
            int first = 0;
            while (first < out.height() && first - window.padding() + i * window.dilation() < 0) {
                first++;
            }
            int last = first;
            while (last < out.height() && last - window.padding() + i * window.dilation() < in.height()) {
                last++;
            }
            top[i] = first;
            bottom[i] = last;
        }
    }

    /**
     * The column matrix of the sample at {@code x[base ..]} into block {@code slot} of {@code col}: a
     * matrix {@code [C kh kw, g OH OW]} holding the column matrices of {@code g} samples side by side.
     */
    void gather(Tensor x, int base, Tensor col, int slot) {
        int stride = col.cols();
        int co = col.offset() + slot * out.plane();
        if (x.dtype() == DType.F32) {
            gather(x.floats(), x.offset() + base, col.floats(), co, stride);
        } else {
            gather(x.doubles(), x.offset() + base, col.doubles(), co, stride);
        }
    }

    /** {@code dx[base .. base + C H W) =} block {@code slot} of the column matrices {@code col} folded back (col2im). */
    void scatter(Tensor col, int slot, Tensor dx, int base) {
        int stride = col.cols();
        int co = col.offset() + slot * out.plane();
        if (dx.dtype() == DType.F32) {
            float[] d = dx.floats();
            Arrays.fill(d, dx.offset() + base, dx.offset() + base + in.size(), 0f);
            scatter(col.floats(), co, stride, d, dx.offset() + base);
        } else {
            double[] d = dx.doubles();
            Arrays.fill(d, dx.offset() + base, dx.offset() + base + in.size(), 0.0);
            scatter(col.doubles(), co, stride, d, dx.offset() + base);
        }
    }

    private void gather(float[] x, int xo, float[] col, int co, int rowStride) {
        if (shifted) {
            gatherShifted(x, xo, col, co, rowStride);
            return;
        }
        int k = window.kernel();
        int s = window.stride();
        int ow = out.width();
        int r = 0;
        for (int c = 0; c < in.channels(); c++) {
            int plane = xo + c * in.plane();
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++, r++) {
                    int row = co + r * rowStride;
                    int l = lo[j];
                    int h = hi[j];
                    int iw0 = l * s - window.padding() + j * window.dilation();
                    for (int oh = 0; oh < out.height(); oh++, row += ow) {
                        int ih = oh * s - window.padding() + i * window.dilation();
                        if (ih < 0 || ih >= in.height() || l >= h) {
                            Arrays.fill(col, row, row + ow, 0f);
                            continue;
                        }
                        Arrays.fill(col, row, row + l, 0f);
                        Arrays.fill(col, row + h, row + ow, 0f);
                        int src = plane + ih * in.width() + iw0;
                        if (s == 1) {
                            System.arraycopy(x, src, col, row + l, h - l);
                        } else {
                            for (int q = l; q < h; q++, src += s) {
                                col[row + q] = x[src];
                            }
                        }
                    }
                }
            }
        }
    }


    /** {@link #gather} when {@link #shifted}: one copy per row of the column matrix. */
    private void gatherShifted(float[] x, int xo, float[] col, int co, int rowStride) {
        int k = window.kernel();
        int d = window.dilation();
        int pad = window.padding();
        int w = out.width();
        int oh = out.height();
        int r = 0;
        for (int c = 0; c < in.channels(); c++) {
            int plane = xo + c * in.plane();
            for (int i = 0; i < k; i++) {
                int t = top[i];
                int b = bottom[i];
                for (int j = 0; j < k; j++, r++) {
                    int row = co + r * rowStride;
                    int l = lo[j];
                    int h = hi[j];
                    if (t >= b || l >= h) {
                        Arrays.fill(col, row, row + oh * w, 0f);
                        continue;
                    }
                    Arrays.fill(col, row, row + t * w + l, 0f);
                    int first = t * w + l;
                    int last = (b - 1) * w + h;
                    int src = plane + (t - pad + i * d) * w + l - pad + j * d;
                    System.arraycopy(x, src, col, row + first, last - first);
                    for (int q = t * w + h; q < last; q += w) {
                        for (int e = 0; e < w - h + l; e++) {
                            col[row + q + e] = 0f;
                        }
                    }
                    Arrays.fill(col, row + last, row + oh * w, 0f);
                }
            }
        }
    }
    private void gather(double[] x, int xo, double[] col, int co, int rowStride) {
        if (shifted) {
            gatherShifted(x, xo, col, co, rowStride);
            return;
        }
        int k = window.kernel();
        int s = window.stride();
        int ow = out.width();
        int r = 0;
        for (int c = 0; c < in.channels(); c++) {
            int plane = xo + c * in.plane();
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++, r++) {
                    int row = co + r * rowStride;
                    int l = lo[j];
                    int h = hi[j];
                    int iw0 = l * s - window.padding() + j * window.dilation();
                    for (int oh = 0; oh < out.height(); oh++, row += ow) {
                        int ih = oh * s - window.padding() + i * window.dilation();
                        if (ih < 0 || ih >= in.height() || l >= h) {
                            Arrays.fill(col, row, row + ow, 0.0);
                            continue;
                        }
                        Arrays.fill(col, row, row + l, 0.0);
                        Arrays.fill(col, row + h, row + ow, 0.0);
                        int src = plane + ih * in.width() + iw0;
                        if (s == 1) {
                            System.arraycopy(x, src, col, row + l, h - l);
                        } else {
                            for (int q = l; q < h; q++, src += s) {
                                col[row + q] = x[src];
                            }
                        }
                    }
                }
            }
        }
    }


    /** {@link #gather} when {@link #shifted}: one copy per row of the column matrix. */
    private void gatherShifted(double[] x, int xo, double[] col, int co, int rowStride) {
        int k = window.kernel();
        int d = window.dilation();
        int pad = window.padding();
        int w = out.width();
        int oh = out.height();
        int r = 0;
        for (int c = 0; c < in.channels(); c++) {
            int plane = xo + c * in.plane();
            for (int i = 0; i < k; i++) {
                int t = top[i];
                int b = bottom[i];
                for (int j = 0; j < k; j++, r++) {
                    int row = co + r * rowStride;
                    int l = lo[j];
                    int h = hi[j];
                    if (t >= b || l >= h) {
                        Arrays.fill(col, row, row + oh * w, 0.0);
                        continue;
                    }
                    Arrays.fill(col, row, row + t * w + l, 0.0);
                    int first = t * w + l;
                    int last = (b - 1) * w + h;
                    int src = plane + (t - pad + i * d) * w + l - pad + j * d;
                    System.arraycopy(x, src, col, row + first, last - first);
                    for (int q = t * w + h; q < last; q += w) {
                        for (int e = 0; e < w - h + l; e++) {
                            col[row + q + e] = 0.0;
                        }
                    }
                    Arrays.fill(col, row + last, row + oh * w, 0.0);
                }
            }
        }
    }
    private void scatter(float[] col, int co, int rowStride, float[] dx, int xo) {
        int k = window.kernel();
        int s = window.stride();
        int ow = out.width();
        int r = 0;
        for (int c = 0; c < in.channels(); c++) {
            int plane = xo + c * in.plane();
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++, r++) {
                    int row = co + r * rowStride;
                    int l = lo[j];
                    int h = hi[j];
                    int iw0 = l * s - window.padding() + j * window.dilation();
                    for (int oh = 0; oh < out.height(); oh++, row += ow) {
                        int ih = oh * s - window.padding() + i * window.dilation();
                        if (ih < 0 || ih >= in.height()) {
                            continue;
                        }
                        int dst = plane + ih * in.width() + iw0;
                        if (s == 1) {
                            for (int q = l; q < h; q++) {
                                dx[dst + q - l] += col[row + q];
                            }
                        } else {
                            for (int q = l; q < h; q++, dst += s) {
                                dx[dst] += col[row + q];
                            }
                        }
                    }
                }
            }
        }
    }

    private void scatter(double[] col, int co, int rowStride, double[] dx, int xo) {
        int k = window.kernel();
        int s = window.stride();
        int ow = out.width();
        int r = 0;
        for (int c = 0; c < in.channels(); c++) {
            int plane = xo + c * in.plane();
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++, r++) {
                    int row = co + r * rowStride;
                    int l = lo[j];
                    int h = hi[j];
                    int iw0 = l * s - window.padding() + j * window.dilation();
                    for (int oh = 0; oh < out.height(); oh++, row += ow) {
                        int ih = oh * s - window.padding() + i * window.dilation();
                        if (ih < 0 || ih >= in.height()) {
                            continue;
                        }
                        int dst = plane + ih * in.width() + iw0;
                        if (s == 1) {
                            for (int q = l; q < h; q++) {
                                dx[dst + q - l] += col[row + q];
                            }
                        } else {
                            for (int q = l; q < h; q++, dst += s) {
                                dx[dst] += col[row + q];
                            }
                        }
                    }
                }
            }
        }
    }
}
