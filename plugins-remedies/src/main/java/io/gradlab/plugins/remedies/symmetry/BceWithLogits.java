package io.gradlab.plugins.remedies.symmetry;

import io.gradlab.api.nn.Loss;
import io.gradlab.api.tensor.Tensor;

/**
 * Binary cross-entropy on logits (PyTorch's {@code BCEWithLogitsLoss}), the loss of logistic
 * regression: for a logit {@code z} and a target {@code y} in [0, 1],
 * {@code max(z, 0) - z y + log(1 + exp(-|z|))}, the mean over all elements; the gradient is
 * {@code (sigmoid(z) - y) / n}.
 */
final class BceWithLogits implements Loss {
    @Override
    public double forward(Tensor output, Tensor target) {
        check(output, target);
        int n = output.size();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double z = output.get(i);
            double y = target.get(i);
            sum += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
        }
        return sum / n;
    }

    @Override
    public void backward(Tensor output, Tensor target, Tensor gradOutput) {
        check(output, target);
        int n = output.size();
        for (int i = 0; i < n; i++) {
            double z = output.get(i);
            double s = z >= 0 ? 1.0 / (1.0 + Math.exp(-z)) : Math.exp(z) / (1.0 + Math.exp(z));
            gradOutput.set(i, (s - target.get(i)) / n);
        }
    }

    private static void check(Tensor output, Tensor target) {
        if (output.size() != target.size()) {
            throw new IllegalArgumentException("loss 'bce-with-logits': the model gives " + output.cols() + " outputs per sample but the target has "
                    + target.cols() + "; logistic regression needs one output and a 0/1 target (a dataset with classes = 0)");
        }
    }
}
