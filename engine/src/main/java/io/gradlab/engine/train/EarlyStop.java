package io.gradlab.engine.train;

/** A callback ended the run after an epoch ({@link RunControls}); the run ends with status {@code completed}. */
public final class EarlyStop extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EarlyStop(String reason) {
        super(reason, null, false, false);
    }
}
