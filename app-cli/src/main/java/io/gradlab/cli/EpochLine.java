package io.gradlab.cli;

import io.gradlab.engine.train.EpochMetrics;

/**
 * The one-line summary of an epoch:
 * {@code epoch  3/8  train loss 2.3026 acc 0.1000  test loss 2.3026 acc 0.1000  4.2 s}.
 */
final class EpochLine {
    private EpochLine() {}

    static String format(EpochMetrics m, int plannedEpochs) {
        int width = String.valueOf(Math.max(plannedEpochs, m.epoch())).length();
        StringBuilder sb = new StringBuilder();
        sb.append("epoch ").append(String.format("%" + width + "d", m.epoch()));
        if (plannedEpochs > 0) {
            sb.append('/').append(plannedEpochs);
        }
        if (m.stage() != null) {
            sb.append(" [").append(m.stage()).append(']');
        }
        sb.append("  train loss ").append(Numbers.fixed(m.trainLoss(), 4)).append(" acc ").append(Numbers.fixed(m.trainAccuracy(), 4));
        if (!Double.isNaN(m.valLoss())) {
            sb.append("  val loss ").append(Numbers.fixed(m.valLoss(), 4)).append(" acc ").append(Numbers.fixed(m.valAccuracy(), 4));
        }
        sb.append("  test loss ").append(Numbers.fixed(m.testLoss(), 4)).append(" acc ").append(Numbers.fixed(m.testAccuracy(), 4));
        sb.append("  ").append(Numbers.fixed(m.seconds(), 1)).append(" s");
        return sb.toString();
    }
}
