package io.gradlab.engine.train;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.data.Dataset;
import io.gradlab.api.nn.AbstractLayer.BufferCache;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import io.gradlab.api.tensor.Tensor;
import java.util.function.Consumer;

/**
 * Passes over the training inputs without their labels, for a strategy's unsupervised phase
 * ({@link io.gradlab.api.train.TrainingControl#forEachInputBatch}). The batches are copied here, not by
 * the {@link BatchPipeline}: its background copy pays off only beside a training step.
 */
final class InputPasses {
    private final DType dtype;
    private final int batchSize;
    private final BufferCache inputs = new BufferCache();
    private final BufferCache targets = new BufferCache();

    InputPasses(DType dtype, int batchSize) {
        this.dtype = requireNonNull(dtype, "dtype is null");
        this.batchSize = batchSize;
    }

    /** One pass over {@code train} in the order {@code shuffle} gives, {@code step} called with each batch of inputs. */
    void run(Dataset train, SeededRandom shuffle, Consumer<Tensor> step) {
        requireNonNull(step, "step is null");
        int n = train.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        shuffle.shuffle(order);
        for (int from = 0; from < n; from += batchSize) {
            int count = Math.min(batchSize, n - from);
            Tensor x = inputs.get(dtype, count, train.width());
            Tensor y = targets.get(dtype, count, train.targetWidth());
            train.copyBatch(order, from, count, x, y);
            step.accept(x);
        }
    }
}
