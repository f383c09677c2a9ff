package io.gradlab.engine.train;

import io.gradlab.api.GradlabException;
import java.util.Locale;

/** The loss became NaN or infinite: the run ends with status {@code diverged}. */
public final class DivergenceException extends GradlabException {
    private static final long serialVersionUID = 1L;
    private final int epoch;
    private final long step;

    public DivergenceException(String message, int epoch, long step) {
        super(Category.NUMERIC, message);
        this.epoch = epoch;
        this.step = step;
    }

    /** The loss {@code loss} of step {@code step} (batch {@code batch} of {@code batches} in epoch {@code epoch}), with the remedies. */
    static DivergenceException at(double loss, int epoch, long step, int batch, int batches, String stage) {
        return new DivergenceException(String.format(Locale.ROOT,
                "training diverged: the loss became %s at epoch %d, step %d (batch %d of %d)%s; try a smaller learning rate "
                        + "(--set training.optimizer.lr=...), gradient clipping (training.gradient-transforms: [{id: clip-norm, max-norm: 1.0}]), "
                        + "or a smaller initialization",
                loss, epoch, step, batch, batches, stage == null ? "" : " in stage " + stage), epoch, step);
    }

    public int epoch() {
        return epoch;
    }

    public long step() {
        return step;
    }
}
