package io.gradlab.testkit;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;

/** {@code L = 1/2 sum c_i (θ_i - t_i)^2} over 8 coordinates with curvatures {@code c_i} in [0.5, 2]. */
final class Quadratic {
    final Parameter theta;
    private final double[] target = new double[8];
    private final double[] curvature = new double[8];

    Quadratic(DType dtype, long seed) {
        SeededRandom random = new SeededRandom(seed).fork("quadratic");
        theta = new Parameter("theta", Parameter.Role.WEIGHT, Tensor.zeros(dtype, 8));
        for (int i = 0; i < 8; i++) {
            theta.value().set(i, random.normal(0.0, 1.0));
            target[i] = random.normal(0.0, 1.0);
            curvature[i] = random.uniform(0.5, 2.0);
        }
    }

    /** The loss at the current θ; writes its gradient into {@code theta.grad()}. */
    double lossAndGradient() {
        double loss = 0.0;
        for (int i = 0; i < 8; i++) {
            double d = theta.value().get(i) - target[i];
            loss += 0.5 * curvature[i] * d * d;
            theta.grad().set(i, curvature[i] * d);
        }
        return loss;
    }
}
