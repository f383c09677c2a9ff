package io.gradlab.plugins.remedies.support;

import io.gradlab.api.ComponentSpec;
import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.ModelBuilder;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Small stand-ins for the engine's dense, activation and sequential layers, and a {@link ModelBuilder} that makes them. */
public final class TestLayers {
    private TestLayers() {}

    /** {@code y = x W^T + b}. */
    public static final class Dense extends AbstractLayer {
        private static final Expr COLUMN = Expr.arg(0);
        private final Tensor[] one = new Tensor[1];
        private final int units;
        private Parameter weight;
        private Parameter bias;

        public Dense(String name, int units) {
            super(name, "dense");
            this.units = units;
        }

        @Override
        protected int onBuild(int inputWidth, BuildContext ctx) {
            weight = new Parameter("weight", Parameter.Role.WEIGHT, Tensor.zeros(ctx.dtype(), units, inputWidth));
            bias = new Parameter("bias", Parameter.Role.BIAS, Tensor.zeros(ctx.dtype(), units));
            ctx.initializeWeight(weight, new Fan(inputWidth, units, "tanh"));
            ctx.initializeBias(bias, new Fan(inputWidth, units, "tanh"));
            return units;
        }

        @Override
        protected void updateOutput(Tensor input, Tensor output, Mode mode) {
            ops.linear(input, weight.value(), bias.value(), output);
        }

        @Override
        protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
            ops.gemm(false, false, 1, gradOutput, weight.value(), 0, gradInput);
        }

        @Override
        protected void accGradParameters(Tensor input, Tensor gradOutput) {
            ops.gemm(true, false, 1, gradOutput, input, 1, weight.grad());
            one[0] = gradOutput;
            ops.columnSums(COLUMN, 1, bias.grad(), null, one);
        }

        @Override
        public List<Parameter> parameters() {
            return weight == null ? List.of() : List.of(weight, bias);
        }
    }

    /** tanh. */
    public static final class Tanh extends AbstractLayer {
        public Tanh(String name) {
            super(name, "tanh");
        }

        @Override
        protected int onBuild(int inputWidth, BuildContext ctx) {
            return inputWidth;
        }

        @Override
        protected void updateOutput(Tensor input, Tensor output, Mode mode) {
            for (int i = 0; i < input.size(); i++) {
                output.set(i, Math.tanh(input.get(i)));
            }
        }

        @Override
        protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
            Tensor y = output();
            for (int i = 0; i < input.size(); i++) {
                gradInput.set(i, (1 - y.get(i) * y.get(i)) * gradOutput.get(i));
            }
        }
    }

    /** Runs its children in order. */
    public static final class Seq implements Layer {
        private final String name;
        private final List<Layer> children;
        private Tensor out;

        public Seq(String name, List<Layer> children) {
            this.name = name;
            this.children = List.copyOf(children);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String type() {
            return "sequential";
        }

        @Override
        public int build(int inputWidth, BuildContext ctx) {
            int w = inputWidth;
            for (Layer l : children) {
                w = l.build(w, ctx);
            }
            return w;
        }

        @Override
        public Tensor forward(Tensor input, Mode mode) {
            Tensor x = input;
            for (Layer l : children) {
                x = l.forward(x, mode);
            }
            out = x;
            return x;
        }

        @Override
        public Tensor backward(Tensor gradOutput) {
            Tensor g = gradOutput;
            for (int i = children.size() - 1; i >= 0; i--) {
                g = children.get(i).backward(g);
            }
            return g;
        }

        @Override
        public List<Layer> children() {
            return children;
        }

        @Override
        public void setInputGradientRequired(boolean required) {
            children.get(0).setInputGradientRequired(required);
        }

        @Override
        public Tensor lastOutput() {
            return out;
        }
    }

    /** A builder of test layers that records what it was asked for. */
    public static final class Builder implements ModelBuilder {
        public final List<String> calls = new ArrayList<>();
        private final int inputWidth;
        private final int outputWidth;

        public Builder(int inputWidth, int outputWidth) {
            this.inputWidth = inputWidth;
            this.outputWidth = outputWidth;
        }

        @Override
        public int inputWidth() {
            return inputWidth;
        }

        @Override
        public int outputWidth() {
            return outputWidth;
        }

        @Override
        public int timeSteps() {
            return 1;
        }

        @Override
        public Layer dense(String name, int units, ComponentSpec init, ComponentSpec biasInit, String nonlinearity) {
            calls.add("dense " + name + " " + units + " " + init + " " + nonlinearity);
            return new Dense(name, units);
        }

        @Override
        public Layer activation(String name, ComponentSpec activation) {
            calls.add("activation " + name + " " + activation);
            return new Tanh(name);
        }

        @Override
        public Layer normalizer(String name, ComponentSpec normalizer) {
            calls.add("normalizer " + name + " " + normalizer);
            return new Tanh(name);
        }

        @Override
        public Layer layer(String name, ComponentSpec layer) {
            calls.add("layer " + name + " " + layer);
            return new Tanh(name);
        }

        @Override
        public Layer sequential(String name, List<Layer> layers) {
            calls.add("sequential " + name + " " + layers.size());
            return new Seq(name, layers);
        }
    }
}
