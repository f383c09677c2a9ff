package io.gradlab.engine.nn;

import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.tensor.Tensor;

/**
 * Softmax followed by the negative log-likelihood of the target class, averaged over the batch
 * (PyTorch's {@code CrossEntropyLoss} on logits). Computed with the log-sum-exp shift, so large
 * logits do not overflow.
 */
public final class SoftmaxCrossEntropy implements Loss {

    @Override
    public double forward(Tensor output, Tensor target) {
        int rows = output.rows();
        int cols = output.cols();
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            double max = rowMax(output, off, cols);
            total += Math.log(sumExp(output, off, cols, max)) + max - output.get(off + label(target, r, cols));
        }
        return rows == 0 ? 0 : total / rows;
    }

    /** A row's {@code exp(x - max)}, per thread: the backward pass computes each exponential once. */
    private static final ThreadLocal<double[]> EXPS = ThreadLocal.withInitial(() -> new double[16]);

    @Override
    public void backward(Tensor output, Tensor target, Tensor gradOutput) {
        int rows = output.rows();
        int cols = output.cols();
        double inv = 1.0 / rows;
        double[] e = EXPS.get();
        if (e.length < cols) {
            e = new double[cols];
            EXPS.set(e);
        }
        for (int r = 0; r < rows; r++) {
            int off = r * cols;
            double max = rowMax(output, off, cols);
            // the same exponentials, summed in the same order, as sumExp: the same bits as before
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                e[c] = Math.exp(output.get(off + c) - max);
                sum += e[c];
            }
            int y = label(target, r, cols);
            for (int c = 0; c < cols; c++) {
                double p = e[c] / sum;
                gradOutput.set(off + c, (p - (c == y ? 1 : 0)) * inv);
            }
        }
    }

    private static double rowMax(Tensor t, int off, int cols) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < cols; c++) {
            max = Math.max(max, t.get(off + c));
        }
        return max;
    }

    /** The sum of {@code exp(x - shift)} over one row: the log-sum-exp trick keeps it from overflowing. */
    private static double sumExp(Tensor t, int off, int cols, double shift) {
        double sum = 0;
        for (int c = 0; c < cols; c++) {
            sum += Math.exp(t.get(off + c) - shift);
        }
        return sum;
    }

    private static int label(Tensor target, int r, int classes) {
        double v = target.get(r);
        int y = (int) v;
        if (y != v || y < 0 || y >= classes) {
            throw new GradlabException(GradlabException.Category.DATA,
                    "target " + v + " of sample " + r + " is not a class index in [0, " + classes + "): does the model's output width match the data's classes?");
        }
        return y;
    }
}
