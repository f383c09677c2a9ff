package io.gradlab.engine.nn;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import java.util.List;

/**
 * A fully connected layer {@code y = x W^T + b}, with {@code W} of shape {@code [units, in]} (the
 * PyTorch layout, so that weights export as they are).
 */
public final class Dense extends AbstractLayer {
    private final int units;
    private final boolean useBias;
    private final Initializer init;
    private final Initializer biasInit;
    private final String nonlinearity;
    private Parameter weight;
    private Parameter bias;

    /**
     * @param init     the weight initializer, or {@code null} for the model default
     * @param biasInit the bias initializer, or {@code null} for the weight initializer's bias rule
     */
    public Dense(String name, int units, boolean useBias, Initializer init, Initializer biasInit, String nonlinearity) {
        super(name, "dense");
        if (units <= 0) {
            throw new IllegalArgumentException("layer '" + name + "': units must be positive, got " + units);
        }
        this.units = units;
        this.useBias = useBias;
        this.init = init;
        this.biasInit = biasInit;
        this.nonlinearity = nonlinearity;
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        long elements = (long) units * inputWidth;
        if (elements > Integer.MAX_VALUE - 8L) {
            throw new io.gradlab.api.GradlabException(io.gradlab.api.GradlabException.Category.SPEC, "layer '" + name() + "' (dense): a weight of "
                    + units + " x " + inputWidth + " = " + elements + " numbers is more than one tensor holds (" + (Integer.MAX_VALUE - 8)
                    + "); choose fewer units");
        }
        Fan fan = new Fan(inputWidth, units, nonlinearity);
        weight = new Parameter("weight", Parameter.Role.WEIGHT, Tensor.zeros(ctx.dtype(), units, inputWidth));
        if (init != null) {
            init.initialize(weight.value(), fan, ctx.random());
        } else {
            ctx.initializeWeight(weight, fan);
        }
        if (useBias) {
            bias = new Parameter("bias", Parameter.Role.BIAS, Tensor.zeros(ctx.dtype(), units));
            if (biasInit != null) {
                biasInit.initialize(bias.value(), fan, ctx.random());
            } else if (init != null) {
                init.initializeBias(bias.value(), fan, ctx.random());
            } else {
                ctx.initializeBias(bias, fan);
            }
        }
        return units;
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        if (bias == null) {
            ops.gemm(false, true, 1.0, input, weight.value(), 0.0, output);
            return;
        }
        // the bias rows first, then the product added to them: one pass over the output instead of
        // two (BLAS zeroes C for beta = 0, and adding the bias afterwards reads and writes it again)
        fillRows(output, bias.value());
        ops.gemm(false, true, 1.0, input, weight.value(), 1.0, output);
    }

    private static void fillRows(Tensor m, Tensor row) {
        int rows = m.rows();
        int cols = m.cols();
        if (m.dtype() == DType.F32 && row.dtype() == DType.F32) {
            float[] dst = m.floats();
            float[] src = row.floats();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(src, 0, dst, r * cols, cols);
            }
        } else if (m.dtype() == DType.F64 && row.dtype() == DType.F64) {
            double[] dst = m.doubles();
            double[] src = row.doubles();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(src, 0, dst, r * cols, cols);
            }
        } else {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    m.set(r * cols + c, row.get(c));
                }
            }
        }
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        ops.gemm(false, false, 1.0, gradOutput, weight.value(), 0.0, gradInput);
    }

    @Override
    protected void accGradParameters(Tensor input, Tensor gradOutput) {
        ops.gemm(true, false, 1.0, gradOutput, input, 1.0, weight.grad());
        if (bias != null) {
            ops.sumRows(gradOutput, 1.0, bias.grad());
        }
    }

    @Override
    public List<Parameter> parameters() {
        if (weight == null) {
            return List.of();
        }
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public int units() {
        return units;
    }
}
