package io.gradlab.engine.nn;

import io.gradlab.api.nn.Loss;
import io.gradlab.api.tensor.Tensor;

/** {@code mean over the batch of sum over outputs of (y - t)^2 / outputs}: PyTorch's {@code MSELoss} (mean over all elements). */
public final class MeanSquaredError implements Loss {

    @Override
    public double forward(Tensor output, Tensor target) {
        int n = output.size();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double d = output.get(i) - target.get(i);
            sum += d * d;
        }
        return n == 0 ? 0 : sum / n;
    }

    @Override
    public void backward(Tensor output, Tensor target, Tensor gradOutput) {
        int n = output.size();
        double scale = 2.0 / n;
        for (int i = 0; i < n; i++) {
            gradOutput.set(i, scale * (output.get(i) - target.get(i)));
        }
    }
}
