package io.gradlab.plugins.remedies.grad;

import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * The gradients of the trainable parameters as {@link TensorGroup}s, one per element type, for
 * {@link io.gradlab.api.tensor.Ops#sumEach} and {@link io.gradlab.api.tensor.Ops#mapEach}. The groups
 * are made again only when the parameters or their trainable flags change; otherwise
 * {@link #update} allocates nothing.
 */
final class TrainableGradients {
    private Parameter[] seen = new Parameter[0];
    private boolean[] trainable = new boolean[0];
    private TensorGroup[][] args = new TensorGroup[0][];
    private double[][] sums = new double[0][];

    /** Brings the groups up to date with {@code parameters}. */
    void update(List<Parameter> parameters) {
        if (!changed(parameters)) {
            return;
        }
        int n = parameters.size();
        seen = parameters.toArray(new Parameter[0]);
        trainable = new boolean[n];
        List<TensorGroup[]> groups = new ArrayList<>();
        for (DType dtype : DType.values()) {
            List<Tensor> grads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                trainable[i] = seen[i].trainable();
                if (trainable[i] && seen[i].grad().dtype() == dtype) {
                    grads.add(seen[i].grad());
                }
            }
            if (!grads.isEmpty()) {
                groups.add(new TensorGroup[] {TensorGroup.of(grads)});
            }
        }
        args = groups.toArray(new TensorGroup[0][]);
        sums = new double[args.length][];
        for (int g = 0; g < args.length; g++) {
            sums[g] = new double[args[g][0].size()];
        }
    }

    private boolean changed(List<Parameter> parameters) {
        if (parameters.size() != seen.length) {
            return true;
        }
        for (int i = 0; i < seen.length; i++) {
            Parameter p = parameters.get(i);
            if (p != seen[i] || p.trainable() != trainable[i]) {
                return true;
            }
        }
        return false;
    }

    /** The number of groups (element types among the trainable gradients). */
    int groups() {
        return args.length;
    }

    /** Group {@code g} as the argument array of a kernel call. */
    TensorGroup[] args(int g) {
        return args[g];
    }

    /** A place for one figure per tensor of group {@code g} ({@code sumEach}'s output). */
    double[] sums(int g) {
        return sums[g];
    }
}
