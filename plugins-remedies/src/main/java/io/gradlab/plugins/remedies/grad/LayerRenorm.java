package io.gradlab.plugins.remedies.grad;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import io.gradlab.api.train.GradientTransform;
import java.util.List;

/**
 * Per-parameter gradient renormalisation: the gradient of each trainable parameter is rescaled to
 * the L2 norm {@code norm} (1 by default), so that every layer moves by a step of the same size
 * whatever the gradient that reached it; an all-zero gradient stays zero. The norms in one pass over
 * all gradients, then one scaling per parameter.
 */
final class LayerRenorm implements GradientTransform {
    private final double norm;
    private final TrainableGradients grads = new TrainableGradients();
    private final double[] scalars = new double[1];
    private final Tensor[] one = new Tensor[1];

    LayerRenorm(double norm) {
        this.norm = norm;
    }

    @Override
    public void apply(List<Parameter> parameters, Ops ops) {
        grads.update(parameters);
        for (int g = 0; g < grads.groups(); g++) {
            double[] squares = grads.sums(g);
            TensorGroup group = grads.args(g)[0];
            ops.sumEach(ClipNorm.SQUARE, squares, null, grads.args(g));
            for (int t = 0; t < group.size(); t++) {
                double n = Math.sqrt(squares[t]);
                if (n > 0) {
                    scalars[0] = norm / n;
                    one[0] = group.get(t);
                    ops.map(ClipNorm.SCALE, scalars, one);
                }
            }
        }
        one[0] = null;
    }
}
