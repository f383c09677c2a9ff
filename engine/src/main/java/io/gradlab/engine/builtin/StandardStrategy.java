package io.gradlab.engine.builtin;

import io.gradlab.api.train.TrainingControl;
import io.gradlab.api.train.TrainingStrategy;

/** Trains the whole model for every epoch. */
final class StandardStrategy implements TrainingStrategy {
    @Override
    public void run(TrainingControl control) {
        for (int e = 0; e < control.epochs(); e++) {
            control.trainEpoch(null);
        }
    }

    /** It makes the same calls whatever was trained: one trainEpoch per epoch. */
    @Override
    public boolean resumable() {
        return true;
    }
}
