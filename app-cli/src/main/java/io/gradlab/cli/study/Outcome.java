package io.gradlab.cli.study;

import static java.util.Objects.requireNonNull;

import io.gradlab.engine.train.EpochMetrics;
import java.nio.file.Path;
import java.util.List;

/**
 * What one run of a study gave.
 *
 * @param status        {@code completed}, {@code diverged}, {@code stopped} or {@code failed}
 * @param finalAccuracy the test accuracy after the last epoch ({@code NaN} when no epoch finished)
 * @param lastAccuracy  the mean test accuracy of the last {@value #LAST_EPOCHS} epochs (of all when fewer): a single
 *                      epoch's figure swings by a few hundredths under SGD ({@code NaN} when no epoch finished)
 * @param epochsTo50    the first epoch whose test accuracy reached 50 %, or {@code -1}
 * @param ratioFirst    the first/last hidden-layer gradient-norm ratio in the first epoch ({@code NaN} if unknown)
 * @param ratioLast     the same in the last epoch
 * @param runDir        the run folder ({@code null} when none was written)
 * @param error         the error message of a run that did not complete, else {@code null}
 */
record Outcome(Study.Remedy remedy, long seed, String status, int epochs, double finalAccuracy, double lastAccuracy, int epochsTo50,
               double ratioFirst, double ratioLast, Path runDir, String error) {
    static final String RATIO_KEY = "grad_ratio_first_last";
    static final double TARGET = 0.5;
    static final int LAST_EPOCHS = 5;

    Outcome {
        requireNonNull(remedy, "remedy is null");
        requireNonNull(status, "status is null");
    }

    static Outcome of(Study.Remedy remedy, long seed, String status, List<EpochMetrics> history, Path runDir, String error) {
        int reached = -1;
        for (EpochMetrics m : history) {
            if (m.testAccuracy() >= TARGET) {
                reached = m.epoch();
                break;
            }
        }
        double last = history.isEmpty() ? Double.NaN : history.get(history.size() - 1).testAccuracy();
        double first = history.isEmpty() ? Double.NaN : ratio(history.get(0));
        double lastRatio = history.isEmpty() ? Double.NaN : ratio(history.get(history.size() - 1));
        double lastMean = history.subList(Math.max(0, history.size() - LAST_EPOCHS), history.size()).stream()
                .mapToDouble(EpochMetrics::testAccuracy).average().orElse(Double.NaN);
        return new Outcome(remedy, seed, status, history.size(), last, lastMean, reached, first, lastRatio, runDir, error);
    }

    private static double ratio(EpochMetrics m) {
        Object v = m.extra().get(RATIO_KEY);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
