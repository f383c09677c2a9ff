package io.gradlab.plugins.remedies.norm;

import static io.gradlab.api.tensor.Expr.arg;
import static io.gradlab.api.tensor.Expr.scalar;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorArgs;

/**
 * The course's gradient normalisation as a layer: the identity in the forward pass; in the backward
 * pass the incoming gradient is standardised over the whole {@code [batch, features]} tensor,
 * {@code g <- (g - mean g) / (std g + eps)} with the unbiased standard deviation. It deliberately
 * is <em>not</em> the derivative of its forward pass: it rescales the gradient that flows to the
 * layers below it so that it neither vanishes nor explodes. Place it after each activation
 * ({@code mlp} with {@code after-activation: grad-norm}).
 */
public final class GradNorm extends AbstractLayer {
    /** {@code a0 = (a1 - s0 (mean)) / s1 (std + eps)}. */
    private static final Elementwise STANDARDIZE = Elementwise.assign(0, arg(1).sub(scalar(0)).div(scalar(1)));

    private final double eps;
    private final TensorArgs args = new TensorArgs();
    private final double[] scalars = new double[2];

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
        double mean = ops.sum(Stats.X, null, args.of(gradOutput)) / n;
        scalars[0] = mean;
        double ss = ops.sum(Stats.CENTRED_SQUARE_AT, scalars, args.of(gradOutput));
        double std = n > 1 ? Math.sqrt(ss / (n - 1)) : 0.0;
        scalars[1] = std + eps;
        ops.map(STANDARDIZE, scalars, args.of(gradInput, gradOutput));
    }

    /** The backward pass standardises the gradient on purpose: it is not the derivative of the identity. */
    @Override
    public boolean exactGradient() {
        return false;
    }
}
