package io.gradlab.engine.train;

import io.gradlab.api.diag.Finding;
import java.util.List;
import java.util.Map;

/**
 * One line of {@code metrics.jsonl}. Validation figures are {@code NaN} when the run holds out no
 * validation set; {@code seconds} and {@code samplesPerSecond} are the only timing fields.
 */
public record EpochMetrics(
        int epoch,
        String stage,
        double trainLoss,
        double trainAccuracy,
        double valLoss,
        double valAccuracy,
        double testLoss,
        double testAccuracy,
        double learningRate,
        double seconds,
        double samplesPerSecond,
        List<LayerMetrics> layers,
        Map<String, Object> extra,
        List<Finding> findings) {}
