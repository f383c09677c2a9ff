package io.gradlab.engine.nn;

import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.Ops;
import java.util.function.IntConsumer;

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
        double[] e = exps(cols);
        for (int r = 0; r < rows; r++) {
            row(output, target, gradOutput, r, cols, inv, e);
        }
    }

    /**
     * Row {@code r}: writes its gradient and returns its loss, each exponential computed once into
     * {@code e} and summed in column order, as {@link #sumExp} sums them.
     */
    private static double row(Tensor output, Tensor target, Tensor gradOutput, int r, int cols, double inv, double[] e) {
        int off = r * cols;
        double max = rowMax(output, off, cols);
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
        return Math.log(sum) + max - output.get(off + y);
    }

    /** Rows per part of the split step: whole parts only, so the split depends on the batch alone. */
    static final int ROWS_PER_PART = 64;

    /**
     * A training step's loss and its gradient in one pass: {@link #forward} and {@link #backward}
     * together, each exponential computed once, the rows split in parts of {@value #ROWS_PER_PART}
     * over the kernel threads ({@link Ops#parallelFor}). The same loss and the same gradient, to the bit, as {@code forward} then
     * {@code backward}: every row is computed alone as they compute it, and the rows' losses are
     * added in row order. Not for concurrent use of one instance (the rows' losses are kept in it).
     */
    @Override
    public double forwardBackward(Tensor output, Tensor target, Tensor gradOutput, Ops ops) {
        int rows = output.rows();
        int cols = output.cols();
        for (int r = 0; r < rows; r++) {
            label(target, r, cols); // a bad target fails here, naming the first bad sample, as forward() does
        }
        if (rowLosses.length < rows) {
            rowLosses = new double[rows];
        }
        step.set(output, target, gradOutput);
        try {
            ops.parallelFor((rows + ROWS_PER_PART - 1) / ROWS_PER_PART, step);
        } finally {
            step.set(null, null, null);
        }
        double total = 0;
        for (int r = 0; r < rows; r++) {
            total += rowLosses[r];
        }
        return rows == 0 ? 0 : total / rows;
    }

    private double[] rowLosses = new double[0];
    private final Step step = new Step();

    /** Part {@code i} of {@link #forwardBackward}: its rows; reused. */
    private final class Step implements IntConsumer {
        private Tensor output;
        private Tensor target;
        private Tensor gradOutput;

        void set(Tensor output, Tensor target, Tensor gradOutput) {
            this.output = output;
            this.target = target;
            this.gradOutput = gradOutput;
        }

        @Override
        public void accept(int part) {
            int from = part * ROWS_PER_PART;
            int to = Math.min(output.rows(), from + ROWS_PER_PART);
            int cols = output.cols();
            double inv = 1.0 / output.rows();
            double[] e = exps(cols);
            for (int r = from; r < to; r++) {
                rowLosses[r] = row(output, target, gradOutput, r, cols, inv, e);
            }
        }
    }

    /** This thread's row of exponentials, at least {@code cols} long. */
    private static double[] exps(int cols) {
        double[] e = EXPS.get();
        if (e.length < cols) {
            e = new double[cols];
            EXPS.set(e);
        }
        return e;
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
