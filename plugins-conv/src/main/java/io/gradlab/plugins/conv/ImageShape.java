package io.gradlab.plugins.conv;

import io.gradlab.api.GradlabException;
import java.util.Arrays;
import java.util.List;

/** The shape of one image sample, {@code [channels, height, width]}, stored row-major in one row of a batch. */
public record ImageShape(int channels, int height, int width) {
    public ImageShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("an image shape needs positive dimensions, got " + channels + "x" + height + "x" + width);
        }
    }

    /** {@code channels * height * width}: the features of one sample. */
    public int size() {
        return channels * height * width;
    }

    /** The pixels of one channel plane. */
    public int plane() {
        return height * width;
    }

    /** The input shape an architecture gets: {@code [C, H, W]}, or one channel of {@code [H, W]}. */
    public static ImageShape of(int[] shape, String who) {
        if (shape.length == 3 && shape[0] > 0 && shape[1] > 0 && shape[2] > 0) {
            return new ImageShape(shape[0], shape[1], shape[2]);
        }
        if (shape.length == 2 && shape[0] > 0 && shape[1] > 0) {
            return new ImageShape(1, shape[0], shape[1]);
        }
        throw new GradlabException(GradlabException.Category.SPEC, who + " needs image data of shape [channels, height, width], but the data's samples are "
                + Arrays.toString(shape) + "; use an image dataset (fashion-mnist, or an IDX folder of images)");
    }

    /** From a spec's list {@code [C, H, W]}. */
    public static ImageShape of(List<Integer> shape, String who) {
        return of(shape.stream().mapToInt(Integer::intValue).toArray(), who);
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
