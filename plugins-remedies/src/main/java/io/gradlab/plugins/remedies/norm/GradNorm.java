package io.gradlab.plugins.remedies.norm;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.Tensor;

/**
 * The course's gradient normalisation as a layer: the identity in the forward pass; in the backward
 * pass the incoming gradient is standardised over the whole {@code [batch, features]} tensor,
 * {@code g <- (g - mean g) / (std g + eps)} with the unbiased standard deviation. It deliberately
 * is <em>not</em> the derivative of its forward pass: it rescales the gradient that flows to the
 * layers below it so that it neither vanishes nor explodes. Place it after each activation
 * ({@code mlp} with {@code after-activation: grad-norm}).
 */
public final class GradNorm extends AbstractLayer {
    private final double eps;

    public GradNorm(String name, double eps) {
        super(name, "grad-norm");
        if (!(eps > 0)) {
            throw new IllegalArgumentException("grad-norm '" + name + "': eps must be > 0");
        }
        this.eps = eps;
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        return inputWidth;
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        output.copyFrom(input);
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        int n = gradOutput.size();
        double mean = Stats.mean(gradOutput);
        double ss = Stats.centredSquares(gradOutput, mean);
        double std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0.0;
        double s = std + eps;
        for (int i = 0; i < n; i++) {
            gradInput.set(i, (gradOutput.get(i) - mean) / s);
        }
    }

    /** The backward pass standardises the gradient on purpose: it is not the derivative of the identity. */
    @Override
    public boolean exactGradient() {
        return false;
    }
}
