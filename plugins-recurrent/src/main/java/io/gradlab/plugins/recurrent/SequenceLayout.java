package io.gradlab.plugins.recurrent;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import java.util.Arrays;

/**
 * The two layouts of a sequence batch: batch-major {@code [batch, T*W]} (a sample's steps side by
 * side in its row: what layers exchange) and time-major {@code [T*batch, W]} (step t is the row block
 * {@code [t*batch, (t+1)*batch)}: what a recurrent layer computes on, one contiguous slice per step).
 * Converting is a copy of {@code T*batch} runs of W elements.
 */
final class SequenceLayout {
    private SequenceLayout() {}

    /** {@code dst[t*batch + b, :] = src[b, t*W .. t*W + W)} for {@code src [batch, T*W]}, {@code dst [T*batch, W]}. */
    static void toTimeMajor(Tensor src, Tensor dst, int steps) {
        copy(src, dst, steps, true);
    }

    /** {@code dst[b, t*W .. t*W + W) = src[t*batch + b, :]} for {@code src [T*batch, W]}, {@code dst [batch, T*W]}. */
    static void toBatchMajor(Tensor src, Tensor dst, int steps) {
        copy(src, dst, steps, false);
    }

    private static void copy(Tensor src, Tensor dst, int steps, boolean toTimeMajor) {
        Tensor batchMajor = toTimeMajor ? src : dst;
        Tensor timeMajor = toTimeMajor ? dst : src;
        int batch = batchMajor.rows();
        int width = timeMajor.cols();
        if (src.size() != dst.size() || timeMajor.rows() != steps * batch || batchMajor.cols() != steps * width) {
            throw new IllegalArgumentException("cannot convert " + Arrays.toString(batchMajor.shape()) + " (batch-major) and "
                    + Arrays.toString(timeMajor.shape()) + " (time-major) over " + steps + " steps");
        }
        int bm = batchMajor.offset();
        int tm = timeMajor.offset();
        boolean floats = src.dtype() == DType.F32 && dst.dtype() == DType.F32;
        boolean doubles = src.dtype() == DType.F64 && dst.dtype() == DType.F64;
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                int bi = bm + (b * steps + t) * width;
                int ti = tm + (t * batch + b) * width;
                int from = toTimeMajor ? bi : ti;
                int to = toTimeMajor ? ti : bi;
                if (floats) {
                    System.arraycopy(src.floats(), from, dst.floats(), to, width);
                } else if (doubles) {
                    System.arraycopy(src.doubles(), from, dst.doubles(), to, width);
                } else {
                    for (int j = 0; j < width; j++) {
                        dst.set(to - dst.offset() + j, src.get(from - src.offset() + j));
                    }
                }
            }
        }
    }
}
