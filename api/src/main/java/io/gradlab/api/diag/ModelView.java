package io.gradlab.api.diag;

import io.gradlab.api.tensor.Ops;
import java.util.List;

/**
 * The leaf layers of the model from input to output, the run's position, and the figures the engine
 * measures anyway (weight-gradient norms per step and per epoch, update ratios per epoch): a diagnostic
 * reads these instead of measuring them again.
 */
public interface ModelView {
    List<LayerView> layers();

    /** The weighted layers only (dense, recurrent), from input to output. */
    List<LayerView> weightedLayers();

    int epoch();

    /** The number of epochs the run plans, or 0 when unknown (diagnostics that act on the last epoch use it). */
    default int epochs() {
        return 0;
    }

    /** Steps since the start of the run. */
    long step();

    /** The loss of the current step. */
    double loss();

    /**
     * The L2 norm of weighted layer {@code index}'s weight gradient in the current step (see
     * {@link #weightGradNorms()}), without allocating: diagnostics that run every step should use this.
     */
    default double weightGradNorm(int index) {
        return weightGradNorms()[index];
    }

    /**
     * The L2 norm of each weighted layer's weight gradient in the current step (before gradient
     * transforms), in {@link #weightedLayers()} order; a fresh array. The engine computes these once per
     * step for its own figures, so reading them here is free; this default computes them.
     */
    default double[] weightGradNorms() {
        List<LayerView> weighted = weightedLayers();
        double[] norms = new double[weighted.size()];
        for (int i = 0; i < norms.length; i++) {
            var g = weighted.get(i).weight().grad();
            double s = 0;
            for (int j = 0; j < g.size(); j++) {
                double v = g.get(j);
                s += v * v;
            }
            norms[i] = Math.sqrt(s);
        }
        return norms;
    }

    /**
     * The mean of {@link #weightGradNorm(int)} over the steps of the current epoch so far: in {@link
     * Diagnostic#onEpochEnd} the epoch's figure, which the run records as the layer's {@code grad_norm}.
     * {@code NaN} before the epoch's first step, and from a view that does not keep it (this default).
     */
    default double epochWeightGradNorm(int index) {
        return Double.NaN;
    }

    /**
     * {@code ||W_after - W_before|| / ||W_after||} of one optimizer step for weighted layer {@code index}
     * (0 for all-zero weights), averaged over the steps of the current epoch on which the engine measured
     * it (evenly spaced, at least the epoch's first): in {@link Diagnostic#onEpochEnd} the epoch's figure,
     * which the run records as the layer's {@code update_ratio}. {@code NaN} before the first measured
     * step, and from a view that does not keep it (this default).
     */
    default double epochUpdateRatio(int index) {
        return Double.NaN;
    }

    /**
     * The back-propagated signal at weighted layer {@code index}: the L2 norm of the gradient of the loss
     * with respect to the layer's output (read through a {@link io.gradlab.api.nn.LayerHook}, dL/dz of a
     * dense layer, dL/dh of a recurrent one), averaged over the current epoch's sampled steps so far (about
     * 32 evenly spaced steps an epoch, every step of short epochs, as the update ratio); in
     * {@link Diagnostic#onEpochEnd} the figure the run records as the layer's {@code signal_norm}. Unlike
     * the weight gradient, which multiplies it by the layer's input, it shrinks or grows layer by layer
     * exactly as the chain rule carries it. {@code NaN} before the epoch's first step, for a layer that
     * does not keep its output gradient, and from a view that does not keep it (this default).
     */
    default double epochSignalNorm(int index) {
        return Double.NaN;
    }

    /**
     * The kernels of the run: a diagnostic computes its figures with them (reductions over a layer's
     * outputs, {@link Ops#parallelFor} for independent per-layer work), so that it runs vectorized and
     * on every kernel thread like the training step it watches.
     */
    Ops ops();
}
