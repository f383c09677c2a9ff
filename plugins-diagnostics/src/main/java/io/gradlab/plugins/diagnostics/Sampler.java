package io.gradlab.plugins.diagnostics;

import io.gradlab.api.diag.ModelView;

/**
 * Decides which steps a diagnostic looks at: the first step of every epoch and every {@code every}-th
 * step after it, so that even a short epoch gets a sample.
 */
final class Sampler {
    private final int every;
    private int epoch = Integer.MIN_VALUE;
    private long stepInEpoch;

    Sampler(int every) {
        if (every < 1) {
            throw new IllegalArgumentException("every must be at least 1, got " + every);
        }
        this.every = every;
    }

    /** Whether to sample the current step; call once per step. */
    boolean take(ModelView model) {
        if (model.epoch() != epoch) {
            epoch = model.epoch();
            stepInEpoch = 0;
        }
        return stepInEpoch++ % every == 0;
    }
}
