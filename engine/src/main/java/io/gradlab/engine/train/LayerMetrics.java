package io.gradlab.engine.train;

import java.util.Map;

/**
 * The figures of one weighted layer over one epoch.
 *
 * @param gradNorm    the L2 norm of the weight gradient, averaged over the epoch's steps (before any gradient transform)
 * @param weightNorm  the L2 norm of the weight at the end of the epoch
 * @param updateRatio {@code ||delta W|| / ||W||} of one optimizer step, averaged over the epoch's steps
 * @param extra       figures added by diagnostics (dead fraction, saturation, ...), in insertion order
 */
public record LayerMetrics(String name, double gradNorm, double weightNorm, double updateRatio, Map<String, Object> extra) {}
