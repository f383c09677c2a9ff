package io.gradlab.plugins.remedies.skip;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Tensor;
import java.util.List;

/**
 * A bias-free linear map {@code y = x W^T}, {@code W [units, in]}, initialised with the model's
 * weight initializer: the shortcut of a residual connection between layers of different widths
 * (ResNet's projection shortcut).
 */
public final class Projection extends AbstractLayer {
    private final int units;
    private Parameter weight;
    /** The parameters, made once they exist: {@link #parameters()} is called every step and allocates nothing. */
    private List<Parameter> parameters = List.of();

    public Projection(String name, int units) {
        super(name, "projection");
        if (units <= 0) {
            throw new IllegalArgumentException("projection '" + name + "': units must be positive, got " + units);
        }
        this.units = units;
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        weight = new Parameter("weight", Parameter.Role.WEIGHT, Tensor.zeros(ctx.dtype(), units, inputWidth));
        parameters = List.of(weight);
        ctx.initializeWeight(weight, new Fan(inputWidth, units, "linear"));
        return units;
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        ops.gemm(false, true, 1.0, input, weight.value(), 0.0, output);
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        ops.gemm(false, false, 1.0, gradOutput, weight.value(), 0.0, gradInput);
    }

    @Override
    protected void accGradParameters(Tensor input, Tensor gradOutput) {
        ops.gemm(true, false, 1.0, gradOutput, input, 1.0, weight.grad());
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /** A linear map of each row. */
    @Override
    public boolean independentRows() {
        return true;
    }
}
