package io.gradlab.testkit;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Loss;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The gradient check of a {@link Loss}: the gradient of the mean loss w.r.t. the output, in float64,
 * at random outputs and at outputs whose every other element is an edge value, against targets of
 * the chosen {@link TargetKind}. The output-gradient buffer is filled with NaN first, so a loss that
 * adds into it instead of writing it fails.
 */
public final class LossCheck extends CheckBuilder<LossCheck> {
    /** The shape and content of the targets a loss expects. */
    public enum TargetKind {
        /** {@code [batch, 1]} holding class indices in {@code [0, width)}: cross-entropy. */
        CLASS_INDEX,
        /** {@code [batch, width]} of normal(0, 1) values: mean squared error and friends. */
        REGRESSION,
        /** {@code [batch, width]} of uniform values in {@code (0, 1)}: binary cross-entropy on probabilities. */
        PROBABILITY
    }

    private final Function<Map<String, Object>, Loss> maker;
    private int width = 3;
    private TargetKind targets = TargetKind.CLASS_INDEX;

    LossCheck(String componentId, Function<Map<String, Object>, Loss> maker) {
        super(ComponentKind.LOSS, componentId, 1.0);
        this.maker = requireNonNull(maker, "maker is null");
    }

    @Override
    LossCheck self() {
        return this;
    }

    /** The number of outputs per sample (classes), default 3. */
    public LossCheck width(int width) {
        if (width <= 0) {
            throw new IllegalArgumentException("width must be positive, got " + width);
        }
        this.width = width;
        return this;
    }

    /** The kind of targets (default {@link TargetKind#CLASS_INDEX}). */
    public LossCheck targets(TargetKind targets) {
        this.targets = requireNonNull(targets, "targets is null");
        return this;
    }

    @Override
    public GradCheckReport run() {
        Comparison comparison = new Comparison(step(), threshold());
        SeededRandom random = new SeededRandom(seed()).fork("gradient-check");
        Loss loss = requireNonNull(maker.apply(params()), () -> componentId() + ": no loss was created");
        Tensor output = Tensor.zeros(DType.F64, batch(), width);
        for (int i = 0; i < output.size(); i++) {
            output.set(i, randomPoint(random));
        }
        Tensor target = target(random);
        List<Tensor> points = new ArrayList<>(List.of(output));
        double[] edges = edgeValues();
        if (edges.length > 0) {
            Tensor edge = output.copy();
            for (int i = 0; i < edge.size(); i += 2) {
                edge.set(i, edges[(i / 2) % edges.length]);
            }
            points.add(edge);
        }
        for (int pi = 0; pi < points.size(); pi++) {
            Tensor out = points.get(pi);
            String note = pi == 0 ? "random point" : "edge point";
            double value = loss.forward(out, target);
            if (!Double.isFinite(value)) {
                comparison.problem("the loss is " + value + " at the " + note + " " + out);
                continue;
            }
            Tensor grad = Tensor.zeros(DType.F64, out.shape());
            grad.fill(Double.NaN);
            loss.backward(out, target, grad);
            Comparison.Outputs outputs = () -> new double[] {loss.forward(out, target)};
            comparison.compare("output", out, grad.toDoubleArray(), outputs, new double[] {1.0}, null,
                    indices(out.size(), random.fork(note)), note);
        }
        return comparison.report(kind(), componentId());
    }

    private Tensor target(SeededRandom random) {
        return switch (targets) {
            case CLASS_INDEX -> {
                Tensor t = Tensor.zeros(DType.F64, batch(), 1);
                for (int r = 0; r < batch(); r++) {
                    t.set(r, random.nextInt(width));
                }
                yield t;
            }
            case REGRESSION -> TestContexts.randomNormal(DType.F64, random, 1.0, batch(), width);
            case PROBABILITY -> TestContexts.randomUniform(DType.F64, random, 0.05, 0.95, batch(), width);
        };
    }
}
