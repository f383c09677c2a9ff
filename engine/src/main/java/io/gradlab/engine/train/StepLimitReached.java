package io.gradlab.engine.train;

/**
 * The run reached its step limit ({@link RunOptions#maxSteps()}); the epoch it happened in was
 * recorded, and the run ends with status {@code step-limit}.
 */
public final class StepLimitReached extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StepLimitReached(long maxSteps) {
        super("stopped after the step limit of " + maxSteps + " steps", null, false, false);
    }
}
