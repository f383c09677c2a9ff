package io.gradlab.engine.nn;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Tensor;
import java.util.List;

/** A layer applying an {@link Activation} elementwise. */
public final class ActivationLayer extends AbstractLayer {
    private final Activation activation;

    public ActivationLayer(String name, String activationId, Activation activation) {
        super(name, activationId);
        this.activation = requireNonNull(activation, "activation is null");
    }

    public Activation activation() {
        return activation;
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        activation.bind(inputWidth, ctx);
        return inputWidth;
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        activation.forward(input, output);
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        activation.backward(input, output(), gradOutput, gradInput);
    }

    @Override
    protected void accGradParameters(Tensor input, Tensor gradOutput) {
        activation.accumulateGradients(input, output(), gradOutput);
    }

    @Override
    public List<Parameter> parameters() {
        return activation.parameters();
    }

    /** An activation maps each element on its own (a learned activation's gradients are sums over rows). */
    @Override
    public boolean independentRows() {
        return true;
    }
}
