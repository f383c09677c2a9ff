package io.gradlab.engine.nn;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Tensor;
import java.util.List;

/**
 * A fully connected layer {@code y = x W^T + b}, with {@code W} of shape {@code [units, in]} (the
 * PyTorch layout, so that weights export as they are).
 */
public final class Dense extends AbstractLayer implements WholeBatchGradients {
    private final int units;
    private final boolean useBias;
    private final Initializer init;
    private final Initializer biasInit;
    private final String nonlinearity;
    private Parameter weight;
    private Parameter bias;
    /** Where backward passes hand their input and output gradient instead of adding the parameter gradients, or null. */
    private Sink deferred;

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
        ops.linear(input, weight.value(), bias == null ? null : bias.value(), output);
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        if (backwardSideBySide(input, gradOutput, gradInput)) {
            return;
        }
        ops.gemm(false, false, 1.0, gradOutput, weight.value(), 0.0, gradInput);
    }

    @Override
    protected void accGradParameters(Tensor input, Tensor gradOutput) {
        if (deferred != null && deferred.take(input, gradOutput)) {
            return;
        }
        if (gradOutput == doneGradOutput) {
            doneGradOutput = null; // updateGradInput computed them side by side with the input gradient
            return;
        }
        ops.gemm(true, false, 1.0, gradOutput, input, 1.0, weight.grad());
        if (bias != null) {
            ops.sumRows(gradOutput, 1.0, bias.grad());
        }
    }

    /**
     * The input gradient {@code dY W} and the weight gradient {@code dY^T X} are independent products
     * of the same size ({@code batch x units x in} multiply-adds each): with two or three kernel
     * threads they run side by side ({@link io.gradlab.api.tensor.Ops#parallelFor}), each whole on
     * one thread, with the bias gradient as a third part, instead of each product split over the
     * threads in turn. One hand-over instead of three, and whole products, which BLAS computes faster
     * than halves. Each part's result does not depend on the thread that computes it. Returns false
     * where this does not apply: one thread or more than three, small products, or a copy in a split
     * step, whose parameter gradients the step may take ({@link #deferParameterGradients}).
     */
    private boolean backwardSideBySide(Tensor input, Tensor gradOutput, Tensor gradInput) {
        if (deferred != null || ops.threads() < 2 || ops.threads() > 3 || (long) gradOutput.rows() * units * inputWidth < SIDE_BY_SIDE_MIN_MACS) {
            return false;
        }
        backwardParts.set(input, gradOutput, gradInput);
        try {
            ops.parallelFor(bias == null ? 2 : 3, backwardParts);
        } finally {
            backwardParts.clear();
        }
        doneGradOutput = gradOutput;
        return true;
    }

    /** Products with fewer multiply-adds than this are not worth a hand-over to the threads. */
    private static final long SIDE_BY_SIDE_MIN_MACS = 100_000;

    private final BackwardParts backwardParts = new BackwardParts();
    /** The output gradient whose parameter gradients {@link #updateGradInput} already added. */
    private Tensor doneGradOutput;

    /** Part 0: the input gradient; part 1: the weight gradient; part 2: the bias gradient. Reused. */
    private final class BackwardParts implements java.util.function.IntConsumer {
        private Tensor input;
        private Tensor gradOutput;
        private Tensor gradInput;

        void set(Tensor input, Tensor gradOutput, Tensor gradInput) {
            this.input = input;
            this.gradOutput = gradOutput;
            this.gradInput = gradInput;
        }

        void clear() {
            input = null;
            gradOutput = null;
            gradInput = null;
        }

        @Override
        public void accept(int part) {
            switch (part) {
                // kernels called from a part run on its thread
                case 0 -> ops.gemm(false, false, 1.0, gradOutput, weight.value(), 0.0, gradInput);
                case 1 -> ops.gemm(true, false, 1.0, gradOutput, input, 1.0, weight.grad());
                case 2 -> ops.sumRows(gradOutput, 1.0, bias.grad());
                default -> throw new IllegalArgumentException("no part " + part);
            }
        }
    }

    @Override
    public void deferParameterGradients(Sink sink) {
        this.deferred = sink;
    }

    @Override
    public void setParameterGradients(Tensor input, Tensor gradOutput) {
        ops.gemm(true, false, 1.0, gradOutput, input, 0.0, weight.grad());
        if (bias != null) {
            ops.sumRows(gradOutput, 0.0, bias.grad());
        }
    }

    @Override
    public int inputWidth() {
        return inputWidth;
    }

    @Override
    public int outputWidth() {
        return units;
    }

    @Override
    public long gradientWork() {
        return (long) units * (inputWidth + (bias == null ? 0 : 1));
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

    /** Each row is computed from its own input row alone. */
    @Override
    public boolean independentRows() {
        return true;
    }
}
