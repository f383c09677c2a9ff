package io.gradlab.testkit;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Initializer;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.Optimizer;
import java.util.List;

/** Hand-written components for testing the kit: correct ones and deliberately broken ones. */
final class Fakes {
    private Fakes() {}

    /** tanh, correct; {@code derivativeFactor} != 1 makes the derivative wrong. */
    static class Tanh extends ElementwiseActivation {
        private final double derivativeFactor;

        Tanh(double derivativeFactor) {
            this.derivativeFactor = derivativeFactor;
        }

        Tanh() {
            this(1.0);
        }

        @Override
        protected Expr function(Expr x) {
            return x.tanh();
        }

        @Override
        protected Expr derivative(Expr x, Expr y) {
            return y.square().rsub(1).mul(derivativeFactor);
        }

        @Override
        public Family family() {
            return Family.SATURATING;
        }
    }

    /** ReLU with f'(0) = 0, declaring its kink unless told not to. */
    static final class Relu extends ElementwiseActivation {
        private final boolean declareKink;

        Relu(boolean declareKink) {
            this.declareKink = declareKink;
        }

        @Override
        protected Expr function(Expr x) {
            return x.max(0);
        }

        @Override
        protected Expr derivative(Expr x, Expr y) {
            return Expr.where(x.gt(0), 1, Expr.constant(0));
        }

        @Override
        public Family family() {
            return Family.RECTIFYING;
        }

        @Override
        public double[] kinks() {
            return declareKink ? new double[] {0.0} : new double[0];
        }
    }

    /** log(1 + e^x) written naively: infinite at x = 1000. */
    static final class NaiveSoftplus extends ElementwiseActivation {
        @Override
        protected Expr function(Expr x) {
            return x.exp().add(1).log();
        }

        @Override
        protected Expr derivative(Expr x, Expr y) {
            return x.exp().div(x.exp().add(1));
        }
    }

    /** tanh as {@code (e^2x - 1) / (e^2x + 1)}: right in double up to x = 354, NaN in float32 from x = 44. */
    static final class RatioTanh extends ElementwiseActivation {
        @Override
        protected Expr function(Expr x) {
            Expr e = x.mul(2).exp();
            return e.sub(1).div(e.add(1));
        }

        @Override
        protected Expr derivative(Expr x, Expr y) {
            return y.square().rsub(1);
        }
    }

    /** A per-unit learnable scale {@code y = a_u x}; {@code gradFactor} != 1 breaks the parameter gradient. */
    static final class Scale implements Activation {
        private final double gradFactor;
        private Parameter scale;

        Scale(double gradFactor) {
            this.gradFactor = gradFactor;
        }

        @Override
        public void bind(int units, BuildContext ctx) {
            Tensor t = Tensor.zeros(ctx.dtype(), units);
            for (int i = 0; i < units; i++) {
                t.set(i, 0.5 + 0.1 * i);
            }
            scale = new Parameter("scale", Parameter.Role.OTHER, t);
        }

        @Override
        public void forward(Tensor x, Tensor y) {
            int units = x.cols();
            for (int i = 0; i < x.size(); i++) {
                y.set(i, scale.value().get(i % units) * x.get(i));
            }
        }

        @Override
        public void backward(Tensor x, Tensor y, Tensor gradY, Tensor gradX) {
            int units = x.cols();
            for (int i = 0; i < x.size(); i++) {
                gradX.set(i, scale.value().get(i % units) * gradY.get(i));
            }
        }

        @Override
        public void accumulateGradients(Tensor x, Tensor y, Tensor gradY) {
            int units = x.cols();
            for (int i = 0; i < x.size(); i++) {
                int u = i % units;
                scale.grad().set(u, scale.grad().get(u) + gradFactor * x.get(i) * gradY.get(i));
            }
        }

        @Override
        public List<Parameter> parameters() {
            return List.of(scale);
        }

        @Override
        public double maxDerivative() {
            double max = 0;
            for (int i = 0; i < scale.value().size(); i++) {
                max = Math.max(max, scale.value().get(i));
            }
            return max;
        }
    }

    /** {@code y = x W^T + b} with an optional wrong weight gradient and an optional output activation. */
    static class Dense extends AbstractLayer {
        private final int units;
        private final double weightGradFactor;
        private final boolean sigmoid;
        private Parameter weight;
        private Parameter bias;

        Dense(int units, double weightGradFactor, boolean sigmoid) {
            super("dense", sigmoid ? "dense-sigmoid" : "dense");
            this.units = units;
            this.weightGradFactor = weightGradFactor;
            this.sigmoid = sigmoid;
        }

        Dense(int units) {
            this(units, 1.0, false);
        }

        @Override
        protected int onBuild(int inputWidth, BuildContext ctx) {
            weight = new Parameter("weight", Parameter.Role.WEIGHT, Tensor.zeros(ctx.dtype(), units, inputWidth));
            bias = new Parameter("bias", Parameter.Role.BIAS, Tensor.zeros(ctx.dtype(), units));
            Fan fan = new Fan(inputWidth, units, "linear");
            ctx.initializeWeight(weight, fan);
            ctx.initializeBias(bias, fan);
            return units;
        }

        @Override
        protected void updateOutput(Tensor input, Tensor output, Mode mode) {
            ops.gemm(false, true, 1.0, input, weight.value(), 0.0, output);
            ops.addRowVector(output, bias.value());
            if (sigmoid) {
                for (int i = 0; i < output.size(); i++) {
                    output.set(i, 1 / (1 + Math.exp(-output.get(i))));
                }
            }
        }

        private Tensor preGrad(Tensor gradOutput) {
            if (!sigmoid) {
                return gradOutput;
            }
            Tensor g = gradOutput.copy();
            for (int i = 0; i < g.size(); i++) {
                double y = output().get(i);
                g.set(i, g.get(i) * y * (1 - y));
            }
            return g;
        }

        @Override
        protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
            ops.gemm(false, false, 1.0, preGrad(gradOutput), weight.value(), 0.0, gradInput);
        }

        @Override
        protected void accGradParameters(Tensor input, Tensor gradOutput) {
            Tensor g = preGrad(gradOutput);
            ops.gemm(true, false, weightGradFactor, g, input, 1.0, weight.grad());
            ops.sumRows(g, 1.0, bias.grad());
        }

        @Override
        public List<Parameter> parameters() {
            return List.of(weight, bias);
        }
    }

    /** Batch normalization over the rows: batch statistics in TRAIN, running statistics in EVAL. */
    static final class BatchNorm extends AbstractLayer {
        private static final double EPS = 1e-5;
        private Parameter gamma;
        private Parameter beta;
        private double[] runningMean;
        private double[] runningVar;
        private double[] mean;
        private double[] invStd;
        private Mode lastMode;

        BatchNorm() {
            super("bn", "batch-norm");
        }

        @Override
        protected int onBuild(int inputWidth, BuildContext ctx) {
            gamma = new Parameter("gamma", Parameter.Role.SCALE, Tensor.zeros(ctx.dtype(), inputWidth));
            beta = new Parameter("beta", Parameter.Role.SHIFT, Tensor.zeros(ctx.dtype(), inputWidth));
            for (int c = 0; c < inputWidth; c++) {
                gamma.value().set(c, 1.0 + 0.1 * ctx.random().nextGaussian());
                beta.value().set(c, 0.1 * ctx.random().nextGaussian());
            }
            runningMean = new double[inputWidth];
            runningVar = new double[inputWidth];
            java.util.Arrays.fill(runningVar, 1.0);
            mean = new double[inputWidth];
            invStd = new double[inputWidth];
            return inputWidth;
        }

        @Override
        protected void updateOutput(Tensor input, Tensor output, Mode mode) {
            lastMode = mode;
            int n = input.rows();
            for (int c = 0; c < inputWidth; c++) {
                double m;
                double v;
                if (mode == Mode.TRAIN) {
                    m = 0;
                    for (int r = 0; r < n; r++) {
                        m += input.get(r, c);
                    }
                    m /= n;
                    v = 0;
                    for (int r = 0; r < n; r++) {
                        double d = input.get(r, c) - m;
                        v += d * d;
                    }
                    v /= n;
                    runningMean[c] = 0.9 * runningMean[c] + 0.1 * m;
                    runningVar[c] = 0.9 * runningVar[c] + 0.1 * v;
                } else {
                    m = runningMean[c];
                    v = runningVar[c];
                }
                mean[c] = m;
                invStd[c] = 1 / Math.sqrt(v + EPS);
                for (int r = 0; r < n; r++) {
                    output.set(r, c, gamma.value().get(c) * (input.get(r, c) - m) * invStd[c] + beta.value().get(c));
                }
            }
        }

        @Override
        protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
            int n = input.rows();
            for (int c = 0; c < inputWidth; c++) {
                double g = gamma.value().get(c);
                if (lastMode == Mode.EVAL) {
                    for (int r = 0; r < n; r++) {
                        gradInput.set(r, c, g * invStd[c] * gradOutput.get(r, c));
                    }
                    continue;
                }
                double sumG = 0;
                double sumGx = 0;
                for (int r = 0; r < n; r++) {
                    double xhat = (input.get(r, c) - mean[c]) * invStd[c];
                    sumG += gradOutput.get(r, c);
                    sumGx += gradOutput.get(r, c) * xhat;
                }
                for (int r = 0; r < n; r++) {
                    double xhat = (input.get(r, c) - mean[c]) * invStd[c];
                    gradInput.set(r, c, g * invStd[c] / n * (n * gradOutput.get(r, c) - sumG - xhat * sumGx));
                }
            }
        }

        @Override
        protected void accGradParameters(Tensor input, Tensor gradOutput) {
            for (int c = 0; c < inputWidth; c++) {
                double dg = 0;
                double db = 0;
                for (int r = 0; r < input.rows(); r++) {
                    double xhat = (input.get(r, c) - mean[c]) * invStd[c];
                    dg += gradOutput.get(r, c) * xhat;
                    db += gradOutput.get(r, c);
                }
                gamma.grad().set(c, gamma.grad().get(c) + dg);
                beta.grad().set(c, beta.grad().get(c) + db);
            }
        }

        @Override
        public List<Parameter> parameters() {
            return List.of(gamma, beta);
        }
    }

    /** Mean over rows of the summed squared error. */
    static final class Mse implements Loss {
        @Override
        public double forward(Tensor output, Tensor target) {
            double sum = 0;
            for (int i = 0; i < output.size(); i++) {
                double d = output.get(i) - target.get(i);
                sum += d * d;
            }
            return sum / output.rows();
        }

        @Override
        public void backward(Tensor output, Tensor target, Tensor gradOutput) {
            for (int i = 0; i < output.size(); i++) {
                gradOutput.set(i, 2 * (output.get(i) - target.get(i)) / output.rows());
            }
        }
    }

    /** Softmax cross-entropy over class-index targets; {@code accumulate} makes it add into the gradient (a bug). */
    static final class SoftmaxCrossEntropy implements Loss {
        private final boolean accumulate;

        SoftmaxCrossEntropy(boolean accumulate) {
            this.accumulate = accumulate;
        }

        @Override
        public double forward(Tensor output, Tensor target) {
            double total = 0;
            int cols = output.cols();
            for (int r = 0; r < output.rows(); r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < cols; c++) {
                    max = Math.max(max, output.get(r, c));
                }
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                    sum += Math.exp(output.get(r, c) - max);
                }
                total += Math.log(sum) + max - output.get(r, (int) target.get(r));
            }
            return total / output.rows();
        }

        @Override
        public void backward(Tensor output, Tensor target, Tensor gradOutput) {
            int cols = output.cols();
            int n = output.rows();
            for (int r = 0; r < n; r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < cols; c++) {
                    max = Math.max(max, output.get(r, c));
                }
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                    sum += Math.exp(output.get(r, c) - max);
                }
                for (int c = 0; c < cols; c++) {
                    double g = (Math.exp(output.get(r, c) - max) / sum - (c == (int) target.get(r) ? 1 : 0)) / n;
                    gradOutput.set(r, c, accumulate ? gradOutput.get(r, c) + g : g);
                }
            }
        }
    }

    /** normal(0, std) weights, zero biases. */
    static final class NormalInit implements Initializer {
        private final double std;

        NormalInit(double std) {
            this.std = std;
        }

        @Override
        public void initialize(Tensor weight, Fan fan, RandomSource random) {
            for (int i = 0; i < weight.size(); i++) {
                weight.set(i, random.normal(0, std));
            }
        }
    }

    /** Plain SGD. */
    static final class Sgd implements Optimizer {
        private final boolean respectFrozen;
        private double lr;
        private List<Parameter> parameters = List.of();
        private Ops ops;

        Sgd(double lr, boolean respectFrozen) {
            this.lr = lr;
            this.respectFrozen = respectFrozen;
        }

        Sgd(double lr) {
            this(lr, true);
        }

        @Override
        public void bind(List<Parameter> parameters, Ops ops) {
            this.parameters = List.copyOf(parameters);
            this.ops = ops;
        }

        @Override
        public void step() {
            for (Parameter p : parameters) {
                if (p.trainable() || !respectFrozen) {
                    ops.axpy(-lr, p.grad(), p.value());
                }
            }
        }

        @Override
        public double learningRate() {
            return lr;
        }

        @Override
        public void setLearningRate(double learningRate) {
            this.lr = learningRate;
        }
    }
}
