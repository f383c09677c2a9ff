package io.gradlab.plugins.conv;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * im2col against its definition, element by element: the one-copy-per-row path (stride 1, output as
 * wide as the input) and the general one, float32 and float64, with padding, dilation and several
 * samples side by side in one column matrix whose stale contents must all be overwritten.
 */
class UnfoldTest {
    @ParameterizedTest
    @CsvSource({
        "3, 1, 1, 1, 5, 7", // shifted: same size
        "3, 1, 2, 2, 6, 6", // shifted: dilation 2
        "5, 1, 2, 1, 4, 4", // shifted: kernel wider than half the image
        "1, 1, 0, 1, 3, 5", // shifted: 1x1
        "3, 1, 0, 1, 6, 5", // general: valid convolution, narrower output
        "3, 2, 1, 1, 7, 7", // general: stride 2, odd size
        "3, 2, 1, 1, 8, 6", // general: stride 2, even size
        "1, 2, 0, 1, 8, 8", // general: a 1x1 projection
        "5, 2, 2, 1, 9, 8", // general: kernel 5, stride 2
        "3, 3, 1, 2, 10, 11", // general: stride 3, dilation 2
        "3, 1, 3, 1, 2, 2", // general: output wider than the input
    })
    void gatherMatchesTheDefinition(int kernel, int stride, int padding, int dilation, int h, int w) {
        for (DType dtype : new DType[] {DType.F32, DType.F64}) {
            ImageShape in = new ImageShape(2, h, w);
            Window window = new Window(kernel, stride, padding, dilation);
            ImageShape out = window.output(in, 1, "c", "conv2d");
            Unfold unfold = new Unfold(in, out, window);
            int samples = 3;
            int rows = in.channels() * kernel * kernel;
            Random random = new Random(kernel * 31 + stride * 7 + padding * 3 + h);
            Tensor x = Tensor.zeros(dtype, samples * in.size());
            for (int i = 0; i < x.size(); i++) {
                x.set(i, 1 + random.nextInt(1000));
            }
            Tensor col = Tensor.zeros(dtype, rows, samples * out.plane());
            col.fill(-1);
            for (int s = 0; s < samples; s++) {
                unfold.gather(x, s * in.size(), col, s);
            }
            for (int s = 0; s < samples; s++) {
                for (int c = 0; c < in.channels(); c++) {
                    for (int i = 0; i < kernel; i++) {
                        for (int j = 0; j < kernel; j++) {
                            int r = (c * kernel + i) * kernel + j;
                            for (int oh = 0; oh < out.height(); oh++) {
                                for (int ow = 0; ow < out.width(); ow++) {
                                    int ih = oh * stride - padding + i * dilation;
                                    int iw = ow * stride - padding + j * dilation;
                                    double expected = ih < 0 || ih >= h || iw < 0 || iw >= w ? 0
                                            : x.get(s * in.size() + c * in.plane() + ih * w + iw);
                                    assertThat(col.get(r * col.cols() + s * out.plane() + oh * out.width() + ow))
                                            .as("%s sample %d row %d pixel (%d, %d)", dtype, s, r, oh, ow)
                                            .isEqualTo(expected);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
