package io.gradlab.plugins.conv;

import io.gradlab.api.GradlabException;

/**
 * A sliding window over the planes of an image (a convolution's or a pool's): square kernel, stride,
 * zero padding on every side and dilation, with PyTorch's output size
 * {@code floor((in + 2 padding - dilation (kernel - 1) - 1) / stride) + 1}.
 */
record Window(int kernel, int stride, int padding, int dilation) {
    Window {
        if (kernel < 1 || stride < 1 || padding < 0 || dilation < 1) {
            throw new IllegalArgumentException("kernel " + kernel + ", stride " + stride + ", padding " + padding + ", dilation " + dilation
                    + ": kernel, stride and dilation must be at least 1 and padding at least 0");
        }
    }

    /** The span of the kernel on the input, {@code dilation (kernel - 1) + 1}. */
    int span() {
        return dilation * (kernel - 1) + 1;
    }

    /** The output shape for {@code in} with {@code channels} output channels; fails with one line naming the layer and the shapes. */
    ImageShape output(ImageShape in, int channels, String layer, String type) {
        if (in.height() + 2 * padding < span() || in.width() + 2 * padding < span()) {
            throw new GradlabException(GradlabException.Category.SPEC, "layer '" + layer + "' (" + type + "): a " + kernel + "x" + kernel
                    + " kernel" + (dilation > 1 ? " of dilation " + dilation + " (span " + span() + ")" : "") + " does not fit its input "
                    + in + " padded by " + padding + " (" + (in.height() + 2 * padding) + "x" + (in.width() + 2 * padding)
                    + "); use a smaller kernel, more padding, or fewer stride-2 stages before it");
        }
        int h = (in.height() + 2 * padding - span()) / stride + 1;
        int w = (in.width() + 2 * padding - span()) / stride + 1;
        return new ImageShape(channels, h, w);
    }

    /**
     * The window table of a pool, the same for every channel: entry {@code p * kernel^2 + w} is the
     * index within the input plane of window element {@code w} of output pixel {@code p}, or -1 in the padding.
     */
    int[] poolTable(ImageShape in, ImageShape out) {
        int kk = kernel * kernel;
        int[] table = new int[out.plane() * kk];
        for (int oh = 0; oh < out.height(); oh++) {
            for (int ow = 0; ow < out.width(); ow++) {
                int base = (oh * out.width() + ow) * kk;
                for (int i = 0; i < kernel; i++) {
                    int ih = oh * stride - padding + i * dilation;
                    for (int j = 0; j < kernel; j++) {
                        int iw = ow * stride - padding + j * dilation;
                        boolean inside = ih >= 0 && ih < in.height() && iw >= 0 && iw < in.width();
                        table[base + i * kernel + j] = inside ? ih * in.width() + iw : -1;
                    }
                }
            }
        }
        return table;
    }
}
