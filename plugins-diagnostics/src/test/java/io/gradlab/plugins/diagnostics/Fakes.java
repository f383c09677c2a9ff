package io.gradlab.plugins.diagnostics;

import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.testkit.ReferenceOps;
import io.gradlab.testkit.SplitOps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Hand-written fakes of the SPI types the diagnostics read: layers, a model view, a sink. */
final class Fakes {
    private Fakes() {}

    /** A leaf layer whose last input/output and parameters the test sets. */
    static final class FakeLayer implements Layer {
        private final String name;
        private final List<Parameter> parameters;
        Tensor input;
        Tensor output;

        FakeLayer(String name, Parameter... parameters) {
            this.name = name;
            this.parameters = List.of(parameters);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String type() {
            return "fake";
        }

        @Override
        public int build(int inputWidth, BuildContext ctx) {
            return inputWidth;
        }

        @Override
        public Tensor forward(Tensor in, Mode mode) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Tensor backward(Tensor gradOutput) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Parameter> parameters() {
            return parameters;
        }

        @Override
        public Tensor lastInput() {
            return input;
        }

        @Override
        public Tensor lastOutput() {
            return output;
        }
    }

    /** A model view over a list of layer views; epoch, step and loss are set by the test. */
    static final class FakeModel implements ModelView {
        final List<LayerView> layers = new ArrayList<>();
        /** When set, {@link Ops#parallelFor} runs the parts on this many threads at once, as a multi-threaded engine does. */
        int partThreads;
        int epoch = 1;
        int epochs;
        long step = 1;
        double loss = 1.0;
        /** The engine's epoch update ratios by weighted layer; null: not kept (NaN). */
        double[] updateRatios;

        FakeModel add(LayerView v) {
            layers.add(v);
            return this;
        }

        @Override
        public List<LayerView> layers() {
            return layers;
        }

        @Override
        public List<LayerView> weightedLayers() {
            return layers.stream().filter(v -> v.weight() != null).toList();
        }

        @Override
        public int epoch() {
            return epoch;
        }

        @Override
        public int epochs() {
            return epochs;
        }

        @Override
        public long step() {
            return step;
        }

        @Override
        public double loss() {
            return loss;
        }

        @Override
        public double epochUpdateRatio(int index) {
            return updateRatios == null ? Double.NaN : updateRatios[index];
        }

        @Override
        public Ops ops() {
            return partThreads <= 1 ? REFERENCE : SplitOps.onThreads(partThreads);
        }
    }

    private static final Ops REFERENCE = new ReferenceOps();

    /** Records what diagnostics write. */
    static final class RecordingSink implements DiagnosticSink {
        final Map<String, Object> metrics = new LinkedHashMap<>();
        final Map<String, Map<String, Object>> layers = new LinkedHashMap<>();
        final List<Finding> findings = new ArrayList<>();

        @Override
        public void metric(String key, Object value) {
            metrics.put(key, value);
        }

        @Override
        public void layerMetric(String layer, String key, Object value) {
            layers.computeIfAbsent(layer, k -> new LinkedHashMap<>()).put(key, value);
        }

        @Override
        public void finding(Finding finding) {
            findings.add(finding);
        }

        double layer(String layer, String key) {
            return ((Number) layers.get(layer).get(key)).doubleValue();
        }
    }

    static final class Relu extends ElementwiseActivation {
        @Override
        protected Expr function(Expr x) {
            return x.max(0);
        }

        @Override
        protected Expr derivative(Expr x, Expr y) {
            return x.gt(0);
        }

        @Override
        public Family family() {
            return Family.RECTIFYING;
        }
    }

    /** {@code 1 / (1 + exp(-x))}, derivative {@code y (1 - y)}. */
    static final class Sigmoid extends ElementwiseActivation {
        @Override
        protected Expr function(Expr x) {
            return x.neg().exp().add(1).rdiv(1);
        }

        @Override
        protected Expr derivative(Expr x, Expr y) {
            return y.mul(y.rsub(1));
        }

        @Override
        public Family family() {
            return Family.SATURATING;
        }

        @Override
        public double maxDerivative() {
            return 0.25;
        }
    }

    static Tensor normal(Random random, double std, int... shape) {
        Tensor t = Tensor.zeros(DType.F32, shape);
        for (int i = 0; i < t.size(); i++) {
            t.set(i, random.nextGaussian() * std);
        }
        return t;
    }

    static Parameter weight(Tensor value) {
        return new Parameter("weight", Parameter.Role.WEIGHT, value);
    }

    static Parameter bias(Tensor value) {
        return new Parameter("bias", Parameter.Role.BIAS, value);
    }

    /**
     * A dense layer {@code x W^T + b} followed by an activation, evaluated on {@code x}: returns the
     * views {@code hidden} (with the parameters) and {@code act} (with input and output set).
     */
    static List<LayerView> denseThenActivation(Tensor x, Tensor w, double biasValue, Activation activation) {
        int rows = x.rows();
        int in = x.cols();
        int units = w.rows();
        Tensor b = Tensor.zeros(DType.F32, units);
        b.fill(biasValue);
        Tensor pre = Tensor.zeros(DType.F32, rows, units);
        for (int r = 0; r < rows; r++) {
            for (int u = 0; u < units; u++) {
                double s = biasValue;
                for (int c = 0; c < in; c++) {
                    s += x.get(r * in + c) * w.get(u * in + c);
                }
                pre.set(r * units + u, s);
            }
        }
        Tensor post = Tensor.zeros(DType.F32, rows, units);
        activation.forward(pre, post);
        Parameter weight = weight(w);
        FakeLayer hidden = new FakeLayer("hidden1", weight, bias(b));
        hidden.input = x;
        hidden.output = pre;
        FakeLayer act = new FakeLayer("act1");
        act.input = pre;
        act.output = post;
        return List.of(new LayerView("hidden1", hidden, weight, null), new LayerView("act1", act, null, activation));
    }
}
