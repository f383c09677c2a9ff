package io.gradlab.engine.train;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.data.Dataset;
import io.gradlab.api.nn.AbstractLayer.BufferCache;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;

/** Loss and accuracy of a model on a data set, in evaluation mode, batch by batch in the data's order. */
final class Evaluator {
    private final DType dtype;
    private final Loss loss;
    private final int batchSize;
    private final BufferCache inputs = new BufferCache();
    private final BufferCache targets = new BufferCache();

    Evaluator(DType dtype, Loss loss, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
        }
        this.dtype = requireNonNull(dtype, "dtype is null");
        this.loss = requireNonNull(loss, "loss is null");
        this.batchSize = batchSize;
    }

    /**
     * {@code {mean loss, accuracy}} of {@code model} on {@code data}; the accuracy is NaN without
     * classes, both are NaN for no data ({@code null} or empty).
     */
    double[] evaluate(Layer model, Dataset data) {
        int n = data == null ? 0 : data.size();
        if (n == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        int[] order = new int[Math.min(batchSize, n)];
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < n; from += batchSize) {
            int count = Math.min(batchSize, n - from);
            for (int i = 0; i < count; i++) {
                order[i] = from + i;
            }
            Tensor x = inputs.get(dtype, count, data.width());
            Tensor y = targets.get(dtype, count, data.targetWidth());
            data.copyBatch(order, 0, count, x, y);
            Tensor out = model.forward(x, Mode.EVAL);
            lossSum += loss.forward(out, y) * count;
            correct += correct(out, y, data.classes());
        }
        return new double[] {lossSum / n, data.classes() > 0 ? (double) correct / n : Double.NaN};
    }

    /**
     * How many rows of {@code out} have their largest value (the first of equal ones) in the column
     * of the class in {@code y}'s row; 0 when there are no classes ({@code classes == 0}: regression).
     */
    static long correct(Tensor out, Tensor y, int classes) {
        if (classes == 0) {
            return 0;
        }
        int rows = out.rows();
        int cols = out.cols();
        long correct = 0;
        for (int r = 0; r < rows; r++) {
            int best = 0;
            double bestValue = out.get(r * cols);
            for (int c = 1; c < cols; c++) {
                double v = out.get(r * cols + c);
                if (v > bestValue) {
                    bestValue = v;
                    best = c;
                }
            }
            if (best == (int) y.get(r)) {
                correct++;
            }
        }
        return correct;
    }
}
