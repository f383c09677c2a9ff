package io.gradlab.api.diag;

/**
 * Watches training. {@link #afterBackward} is called after every backward pass (gradients and the
 * last forward's activations are in place, the optimizer has not stepped yet) and must be cheap or
 * sample; {@link #onEpochEnd} writes figures and findings.
 */
public interface Diagnostic {
    default void afterBackward(ModelView model) {}

    default void onEpochEnd(ModelView model, DiagnosticSink sink) {}

    /**
     * Thrown by a diagnostic to stop the run at once (the NaN sentinel); the engine keeps
     * everything written so far and reports the message.
     */
    final class StopTraining extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Finding finding;

        public StopTraining(Finding finding) {
            super(finding.message());
            this.finding = finding;
        }

        public Finding finding() {
            return finding;
        }
    }
}
