package io.gradlab.engine.train;

import io.gradlab.api.GradlabException;
import java.util.Locale;

/**
 * The loss became NaN or infinite while training, or a loss of the last epoch is not finite: the run
 * ends with status {@code diverged}.
 */
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

    /**
     * The run ended but a figure of its last epoch is not finite (the training loss stayed finite while
     * the weights overflowed in the last step, so the evaluation gave NaN): {@code null} when every
     * loss of {@code last} is finite. Validation figures count only when the run holds out a validation set.
     */
    static DivergenceException atEnd(EpochMetrics last, boolean validation) {
        String figure = !Double.isFinite(last.trainLoss()) ? "train loss"
                : validation && !Double.isFinite(last.valLoss()) ? "validation loss"
                : !Double.isFinite(last.testLoss()) ? "test loss" : null;
        if (figure == null) {
            return null;
        }
        double value = figure.equals("train loss") ? last.trainLoss() : figure.equals("test loss") ? last.testLoss() : last.valLoss();
        return new DivergenceException(String.format(Locale.ROOT,
                "training diverged: the %s is %s after the last epoch (%d)%s; try a smaller learning rate "
                        + "(--set training.optimizer.lr=...), gradient clipping (training.gradient-transforms: [{id: clip-norm, max-norm: 1.0}]), "
                        + "or a smaller initialization",
                figure, value, last.epoch(), last.stage() == null ? "" : " in stage " + last.stage()), last.epoch(), -1);
    }

    public int epoch() {
        return epoch;
    }

    /** The step at which the training loss became non-finite; {@code -1} when the run ended with a non-finite figure. */
    public long step() {
        return step;
    }
}
