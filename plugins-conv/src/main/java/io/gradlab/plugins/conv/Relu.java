package io.gradlab.plugins.conv;

import static io.gradlab.api.tensor.Expr.arg;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorArgs;

/**
 * {@code max(x, 0)}: the activation of a {@code basic-block} made on its own (by its layer
 * factory or a test). Inside the {@code cnn} and {@code resnet} architectures the blocks get the
 * configured activation component instead, which the diagnostics recognise.
 */
final class Relu extends AbstractLayer {
    private static final Elementwise FORWARD = Elementwise.assign(0, arg(1).max(0.0));
    private static final Elementwise BACKWARD = Elementwise.assign(0, arg(1).mul(arg(2).gt(0.0)));
    private final TensorArgs args = new TensorArgs();

    Relu(String name) {
        super(name, "relu");
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        return inputWidth;
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        ops.map(FORWARD, null, args.of(output, input));
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        ops.map(BACKWARD, null, args.of(gradInput, gradOutput, input));
    }
}
