package io.gradlab.testkit;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.train.Optimizer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract of an optimizer, as JUnit 5 default test methods: the factory checks, progress on a
 * convex quadratic {@code L = 1/2 sum c_i (θ_i - t_i)^2}, frozen parameters left alone, the learning
 * rate round trip, float32 against float64, and determinism.
 */
public interface OptimizerContract extends FactoryContract<Optimizer> {
    @Override
    default ComponentKind<Optimizer> expectedKind() {
        return ComponentKind.OPTIMIZER;
    }

    /** The steps taken on the quadratic; the loss must fall below 90% of its start. */
    default int steps() {
        return 500;
    }

    default Optimizer newOptimizer(Map<String, Object> params) {
        return TestContexts.create(factory(), params);
    }

    @Test
    default void reducesAConvexQuadratic() {
        for (Map<String, Object> p : paramSets()) {
            Quadratic q = new Quadratic(DType.F64, seed());
            Optimizer optimizer = newOptimizer(p);
            optimizer.bind(List.of(q.theta), new ReferenceOps());
            double start = q.lossAndGradient();
            for (int s = 0; s < steps(); s++) {
                q.lossAndGradient();
                optimizer.step();
            }
            double end = q.lossAndGradient();
            if (!(end <= 0.9 * start)) {
                throw new AssertionError(factory().id() + " " + p + ": after " + steps() + " steps the quadratic loss went from "
                        + start + " to " + end + "; expected it below 90% of the start");
            }
        }
    }

    @Test
    default void frozenParametersAreLeftAlone() {
        for (Map<String, Object> p : paramSets()) {
            Quadratic q = new Quadratic(DType.F64, seed());
            q.theta.setTrainable(false);
            Optimizer optimizer = newOptimizer(p);
            optimizer.bind(List.of(q.theta), new ReferenceOps());
            double[] before = q.theta.value().toDoubleArray();
            for (int s = 0; s < 3; s++) {
                q.lossAndGradient();
                optimizer.step();
            }
            Closeness.assertIdentical(factory().id() + " " + p + ": a frozen parameter (trainable == false) after 3 steps",
                    before, q.theta.value().toDoubleArray());
        }
    }

    @Test
    default void learningRateRoundTrips() {
        for (Map<String, Object> p : paramSets()) {
            Optimizer optimizer = newOptimizer(p);
            if (!(optimizer.learningRate() > 0) || !Double.isFinite(optimizer.learningRate())) {
                throw new AssertionError(factory().id() + " " + p + ": learningRate() is " + optimizer.learningRate());
            }
            optimizer.setLearningRate(0.0123);
            if (optimizer.learningRate() != 0.0123) {
                throw new AssertionError(factory().id() + " " + p + ": setLearningRate(0.0123) then learningRate() gave "
                        + optimizer.learningRate());
            }
        }
    }

    @Test
    default void float32AndFloat64Agree() {
        for (Map<String, Object> p : paramSets()) {
            Closeness.assertClose(factory().id() + " " + p + ": float32 parameters after 10 steps vs float64",
                    run(p, DType.F64), run(p, DType.F32), 1e-4, 1e-5);
        }
    }

    @Test
    default void sameSeedGivesTheSameResult() {
        for (Map<String, Object> p : paramSets()) {
            Closeness.assertIdentical(factory().id() + " " + p + ": parameters after 10 steps", run(p, DType.F64), run(p, DType.F64));
        }
    }

    private double[] run(Map<String, Object> p, DType dtype) {
        Quadratic q = new Quadratic(dtype, seed());
        Optimizer optimizer = newOptimizer(p);
        optimizer.bind(List.of(q.theta), new ReferenceOps());
        for (int s = 0; s < 10; s++) {
            q.lossAndGradient();
            optimizer.step();
        }
        return q.theta.value().toDoubleArray();
    }
}
