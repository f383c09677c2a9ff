package io.gradlab.engine.train;

import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Loss;

/**
 * A copy of a session's model, built as the model was, and of its loss (a loss instance is not for concurrent use),
 * for a step split by rows over the kernel threads ({@link ShardedStep}).
 */
public record ModelCopy(Layer model, Loss loss) {}
