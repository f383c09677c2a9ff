package io.gradlab.plugins.conv;

import static io.gradlab.api.tensor.Expr.arg;
import static io.gradlab.api.tensor.Expr.scalar;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorArgs;

/**
 * The mean of each channel over its pixels: {@code [C, H, W]} to {@code [C]} (PyTorch's
 * {@code AdaptiveAvgPool2d(1)} followed by a flatten). The batch {@code [N, C H W]} is read as
 * {@code [N C, H W]}: the forward pass is one row sum, the backward pass one broadcast.
 */
public final class GlobalAvgPool extends AbstractLayer {
    private static final Expr MEAN = arg(0).mul(scalar(0));
    /** dx = dy (a column, one value per row) / (H W). */
    private static final Elementwise SPREAD = Elementwise.assign(0, arg(1).mul(scalar(0)));

    private final ImageShape in;
    private final Views inputViews = new Views();
    private final Views gradViews = new Views();
    private final Views ownViews = new Views();
    private final TensorArgs args = new TensorArgs();
    private final double[] scalars = new double[1];

    public GlobalAvgPool(String name, ImageShape in) {
        super(name, "global-avg-pool");
        this.in = in;
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        Shapes.requireWidth(this, in, inputWidth);
        scalars[0] = 1.0 / in.plane();
        return in.channels();
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        int rows = input.rows() * in.channels();
        Tensor x = inputViews.of(input, rows, in.plane());
        Tensor y = ownViews.of(output, rows, 1);
        ops.rowSums(MEAN, 0, y, scalars, args.of(x));
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        int rows = input.rows() * in.channels();
        Tensor dy = gradViews.of(gradOutput, rows, 1);
        Tensor dx = ownViews.of(gradInput, rows, in.plane());
        ops.map(SPREAD, scalars, args.of(dx, dy));
    }
}
