package io.gradlab.engine.train;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.data.Dataset;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;

/** The outputs (logits) of a model in evaluation mode, for exports and cross-checks with other frameworks. */
public final class Predictions {
    private Predictions() {}

    /** The first {@code count} samples of {@code data}: {@code {inputs [count, width], labels [count, targetWidth]}}. */
    public static Tensor[] samples(Dataset data, int count, DType dtype) {
        requireNonNull(data, "data is null");
        if (count < 1 || count > data.size()) {
            throw new GradlabException(Category.USAGE, "cannot take " + count + " samples of a data set of " + data.size()
                    + ": choose from 1 to " + data.size());
        }
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        Tensor x = Tensor.zeros(dtype, count, data.width());
        Tensor y = Tensor.zeros(dtype, count, data.targetWidth());
        data.copyBatch(order, 0, count, x, y);
        return new Tensor[] {x, y};
    }

    /** The model's outputs for {@code inputs} ({@code [n, width]}, any type), as a new tensor of the model's type. */
    public static Tensor logits(Layer model, DType dtype, Tensor inputs) {
        requireNonNull(model, "model is null");
        requireNonNull(inputs, "inputs is null");
        if (inputs.rank() != 2) {
            throw new GradlabException(Category.USAGE, "inputs must be a matrix [samples, features], got the shape "
                    + java.util.Arrays.toString(inputs.shape()));
        }
        Tensor x = inputs.dtype() == dtype ? inputs : inputs.to(dtype);
        return model.forward(x, Mode.EVAL).copy();
    }
}
