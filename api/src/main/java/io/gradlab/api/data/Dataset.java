package io.gradlab.api.data;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.tensor.Tensor;
import java.util.Arrays;

/**
 * An in-memory dataset of {@code size} samples: features {@code [size, width]} and targets
 * {@code [size, targetWidth]} in float32. For classification {@code classes > 0} and each target is
 * one class index; for regression {@code classes == 0}. Sequence data has {@code timeSteps > 1}
 * steps of {@code width / timeSteps} features each. Image data says the shape of each sample,
 * {@code [channels, height, width]} in row-major order ({@link #sampleShape()}); a batch stays a
 * matrix of one row per sample.
 */
public final class Dataset {
    private final String name;
    private final float[] features;
    private final float[] targets;
    private final int size;
    private final int width;
    private final int targetWidth;
    private final int classes;
    private final int timeSteps;
    private final int[] sampleShape;

    public Dataset(String name, float[] features, float[] targets, int size, int width, int targetWidth, int classes, int timeSteps) {
        this(name, features, targets, size, width, targetWidth, classes, timeSteps, new int[] {width});
    }

    private Dataset(String name, float[] features, float[] targets, int size, int width, int targetWidth, int classes, int timeSteps,
            int[] sampleShape) {
        requireNonNull(name, "name is null");
        requireNonNull(features, "features is null");
        requireNonNull(targets, "targets is null");
        if (size < 0 || width <= 0 || targetWidth <= 0 || classes < 0 || timeSteps <= 0 || width % timeSteps != 0) {
            throw new IllegalArgumentException("dataset '" + name + "': bad dimensions size=" + size + " width=" + width
                    + " targetWidth=" + targetWidth + " classes=" + classes + " timeSteps=" + timeSteps);
        }
        if ((long) size * width != features.length || (long) size * targetWidth != targets.length) {
            throw new IllegalArgumentException("dataset '" + name + "': arrays do not match " + size + " samples");
        }
        if (classes > 0 && targetWidth != 1) {
            throw new IllegalArgumentException("dataset '" + name + "': a classification target is one class index");
        }
        this.name = name;
        this.features = features;
        this.targets = targets;
        this.size = size;
        this.width = width;
        this.targetWidth = targetWidth;
        this.classes = classes;
        this.timeSteps = timeSteps;
        this.sampleShape = checkedShape(name, sampleShape, width);
    }

    private static int[] checkedShape(String name, int[] shape, int width) {
        long n = 1;
        for (int s : shape) {
            n *= s;
            if (s <= 0) {
                n = -1;
                break;
            }
        }
        if (shape.length == 0 || n != width) {
            throw new IllegalArgumentException("dataset '" + name + "': sample shape " + Arrays.toString(shape)
                    + " does not hold the " + width + " features of a sample");
        }
        return shape.clone();
    }

    /** The same data with each sample read as the shape {@code shape} (e.g. {@code 1, 28, 28}), whose product must be the width. */
    public Dataset withSampleShape(int... shape) {
        return new Dataset(name, features, targets, size, width, targetWidth, classes, timeSteps, shape);
    }

    /** The shape of one sample: {@code [channels, height, width]} for images, {@code [width]} for plain features. */
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    /** A classification dataset. */
    public static Dataset classification(String name, float[] features, int[] labels, int width, int classes) {
        float[] targets = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            targets[i] = labels[i];
        }
        return new Dataset(name, features, targets, labels.length, width, 1, classes, 1);
    }

    public String name() {
        return name;
    }

    public int size() {
        return size;
    }

    public int width() {
        return width;
    }

    public int targetWidth() {
        return targetWidth;
    }

    public int classes() {
        return classes;
    }

    public int timeSteps() {
        return timeSteps;
    }

    /** The backing feature array (read-only by convention). */
    public float[] features() {
        return features;
    }

    /** The backing target array (read-only by convention). */
    public float[] targets() {
        return targets;
    }

    /** The samples {@code order[from .. from + count)} copied into the first {@code count} rows of {@code x} and {@code y}. */
    public void copyBatch(int[] order, int from, int count, Tensor x, Tensor y) {
        copyBatch(order, from, count, x, y, 0);
    }

    /**
     * The samples {@code order[from .. from + count)} copied into rows {@code [atRow, atRow + count)}
     * of {@code x} and {@code y}: a piece of a batch, for copying one batch in several pieces.
     */
    public void copyBatch(int[] order, int from, int count, Tensor x, Tensor y, int atRow) {
        boolean fx = x.dtype() == io.gradlab.api.tensor.DType.F32;
        boolean fy = y.dtype() == io.gradlab.api.tensor.DType.F32;
        for (int r = atRow; r < atRow + count; r++) {
            int s = order[from + r - atRow];
            if (fx) {
                System.arraycopy(features, s * width, x.floats(), r * width, width);
            } else {
                double[] xd = x.doubles();
                for (int c = 0; c < width; c++) {
                    xd[r * width + c] = features[s * width + c];
                }
            }
            if (fy) {
                System.arraycopy(targets, s * targetWidth, y.floats(), r * targetWidth, targetWidth);
            } else {
                for (int c = 0; c < targetWidth; c++) {
                    y.set(r * targetWidth + c, targets[s * targetWidth + c]);
                }
            }
        }
    }

    /** The subset at {@code indices}, in that order. */
    public Dataset subset(String subsetName, int[] indices) {
        float[] f = new float[indices.length * width];
        float[] t = new float[indices.length * targetWidth];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(features, indices[i] * width, f, i * width, width);
            System.arraycopy(targets, indices[i] * targetWidth, t, i * targetWidth, targetWidth);
        }
        return new Dataset(subsetName, f, t, indices.length, width, targetWidth, classes, timeSteps, sampleShape);
    }

    /** The class of sample {@code i} (classification only). */
    public int label(int i) {
        return (int) targets[i];
    }

    @Override
    public String toString() {
        return name + " (" + size + " samples, " + width + " features" + (classes > 0 ? ", " + classes + " classes" : "") + ")";
    }
}
