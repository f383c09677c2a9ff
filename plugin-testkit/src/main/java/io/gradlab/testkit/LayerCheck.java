package io.gradlab.testkit;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The gradient check of a {@link Layer} (or a normalizer, which is a layer): the gradient w.r.t. the
 * input and w.r.t. every {@link Parameter}, in float64, for the loss {@code L = sum(R * y)} with a
 * fixed random {@code R} (so {@code dL/dy = R}), at a random input and at an input whose every other
 * element is an edge value, in each of the {@link #modes}. Batch statistics make every row of a
 * batch-norm output depend on every input row: the check differences the whole output, so it covers
 * that case in {@link Mode#TRAIN}.
 */
public final class LayerCheck extends CheckBuilder<LayerCheck> {
    private final Function<Map<String, Object>, Layer> maker;
    private int inputWidth = 4;
    private List<Mode> modes = List.of(Mode.TRAIN, Mode.EVAL);

    LayerCheck(ComponentKind<?> kind, String componentId, Function<Map<String, Object>, Layer> maker) {
        super(kind, componentId, 1.0);
        this.maker = requireNonNull(maker, "maker is null");
    }

    @Override
    LayerCheck self() {
        return this;
    }

    /** The number of input features the layer is built for (default 4). */
    public LayerCheck inputWidth(int inputWidth) {
        if (inputWidth <= 0) {
            throw new IllegalArgumentException("input width must be positive, got " + inputWidth);
        }
        this.inputWidth = inputWidth;
        return this;
    }

    /**
     * The modes to check in (default TRAIN and EVAL). A layer that is random in TRAIN mode (dropout)
     * is checked in EVAL only.
     */
    public LayerCheck modes(Mode... modes) {
        if (modes.length == 0) {
            throw new IllegalArgumentException("at least one mode is needed");
        }
        this.modes = List.of(modes);
        return this;
    }

    @Override
    public GradCheckReport run() {
        Comparison comparison = new Comparison(step(), threshold());
        SeededRandom random = new SeededRandom(seed()).fork("gradient-check");
        Layer layer = requireNonNull(maker.apply(params()), () -> componentId() + ": no layer was created");
        int outputWidth = layer.build(inputWidth, TestContexts.f64(seed()));
        layer.setInputGradientRequired(true);
        Tensor random0 = Tensor.zeros(DType.F64, batch(), inputWidth);
        for (int i = 0; i < random0.size(); i++) {
            random0.set(i, randomPoint(random));
        }
        List<Tensor> points = new ArrayList<>(List.of(random0));
        double[] edges = edgeValues();
        if (edges.length > 0) {
            Tensor edge = random0.copy();
            for (int i = 0; i < edge.size(); i += 2) {
                edge.set(i, edges[(i / 2) % edges.length]);
            }
            points.add(edge);
        }
        Tensor weights = TestContexts.randomNormal(DType.F64, random, 1.0, batch(), outputWidth);
        for (Mode mode : modes) {
            for (int pi = 0; pi < points.size(); pi++) {
                String note = (pi == 0 ? "random point" : "edge point") + ", mode " + mode;
                check(comparison, layer, points.get(pi).copy(), weights, mode, note, random.fork(note));
            }
        }
        return comparison.report(kind(), componentId());
    }

    private void check(Comparison comparison, Layer layer, Tensor x, Tensor weights, Mode mode, String note,
                       SeededRandom random) {
        List<Parameter> parameters = layer.parameters();
        for (Parameter p : parameters) {
            p.grad().fill(0.0);
        }
        Tensor y = layer.forward(x, mode);
        if (y.rows() != weights.rows() || y.cols() != weights.cols()) {
            comparison.problem("output of shape [" + y.rows() + ", " + y.cols() + "] in " + mode + " but build() promised ["
                    + weights.rows() + ", " + weights.cols() + "]");
            return;
        }
        Tensor gradX = layer.backward(weights);
        if (gradX == null) {
            comparison.problem("backward returned no input gradient although it was required (" + note + ")");
            return;
        }
        double[] analyticInput = gradX.toDoubleArray();
        List<double[]> analyticParams = new ArrayList<>();
        for (Parameter p : parameters) {
            analyticParams.add(p.grad().toDoubleArray());
        }
        Comparison.Outputs outputs = () -> layer.forward(x, mode).toDoubleArray();
        double[] w = weights.toDoubleArray();
        comparison.compare("input", x, analyticInput, outputs, w, null, indices(x.size(), random.fork("input")), note);
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            comparison.compare("parameter '" + p.name() + "'", p.value(), analyticParams.get(i), outputs, w, null,
                    indices(p.value().size(), random.fork(p.name())), note);
        }
    }
}
