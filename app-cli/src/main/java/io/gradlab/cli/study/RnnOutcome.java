package io.gradlab.cli.study;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.LayerMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one run of the rnn study gave: status, losses, and the recurrent diagnostic's figures of the
 * first recurrent layer (gradient-through-time ratio and gain per step, in the first and the last
 * epoch, and the curves).
 *
 * @param firstCurve ||dL/dh_t|| per step t, averaged over the first epoch; for a run stopped in its first
 *                   epoch, the curve of its last backward pass whose gradients were all finite (from the stop
 *                   finding); empty when unknown
 * @param lastCurve  the same for the last completed epoch (empty when none)
 */
record RnnOutcome(RnnStudyRuns.Run run, String cell, double spectralRadius, boolean clipped, String status, int epochs,
                  double finalTrainLoss, double finalTestLoss, double finalTestAccuracy, double firstRatio, double firstGain,
                  double lastRatio, double lastGain, double maxGradNorm, double finalRadius, List<Double> firstCurve,
                  List<Double> lastCurve, Path runDir, String error) {
    RnnOutcome {
        firstCurve = List.copyOf(firstCurve);
        lastCurve = List.copyOf(lastCurve);
    }

    /** The spec's settings of the run, read before it trains. */
    record Setup(String cell, double spectralRadius, boolean clipped) {}

    static RnnOutcome of(RnnStudyRuns.Run run, Setup setup, String status, List<EpochMetrics> history, Path runDir, Throwable error) {
        EpochMetrics first = history.isEmpty() ? null : history.get(0);
        EpochMetrics last = history.isEmpty() ? null : history.get(history.size() - 1);
        Map<String, Object> f = recurrent(first);
        Map<String, Object> l = recurrent(last);
        List<Double> firstCurve = curve(f.get("grad_through_time"));
        if (firstCurve.isEmpty()) {
            firstCurve = stopCurve(error);
        }
        double max = stopMax(error);
        for (EpochMetrics m : history) {
            max = Math.max(max, number(recurrent(m).get("grad_through_time_max")));
        }
        return new RnnOutcome(run, setup.cell(), setup.spectralRadius(), setup.clipped(), status, history.size(),
                last == null ? Double.NaN : last.trainLoss(), last == null ? Double.NaN : last.testLoss(),
                last == null ? Double.NaN : last.testAccuracy(), number(f.get("grad_time_ratio")), number(f.get("grad_time_gain")),
                number(l.get("grad_time_ratio")), number(l.get("grad_time_gain")), max, radius(l.get("w_hh_spectral_radius")),
                firstCurve, curve(l.get("grad_through_time")), runDir, error == null ? null : error.getMessage());
    }

    /** The extra figures of the first layer that has a gradient-through-time curve. */
    private static Map<String, Object> recurrent(EpochMetrics m) {
        if (m == null) {
            return Map.of();
        }
        for (LayerMetrics layer : m.layers()) {
            if (layer.extra().containsKey("w_hh_spectral_radius")) {
                return layer.extra();
            }
        }
        return Map.of();
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** A vanilla RNN's radius, or the largest gate block's for LSTM and GRU. */
    private static double radius(Object o) {
        if (o instanceof Map<?, ?> gates) {
            double max = Double.NaN;
            for (Object v : gates.values()) {
                double d = number(v);
                max = Double.isNaN(max) ? d : Math.max(max, d);
            }
            return max;
        }
        return number(o);
    }

    private static List<Double> curve(Object o) {
        List<Double> out = new ArrayList<>();
        if (o instanceof List<?> list) {
            for (Object v : list) {
                out.add(number(v));
            }
        }
        return out;
    }

    /** The curve a stopped run's finding carries. */
    private static List<Double> stopCurve(Throwable error) {
        Map<String, Object> evidence = stopEvidence(error);
        return curve(evidence.get("grad_through_time_before_stop"));
    }

    /** The largest ||dL/dh_t|| a stopped run's finding carries, or 0. */
    private static double stopMax(Throwable error) {
        double max = number(stopEvidence(error).get("max_grad_norm_this_epoch"));
        return Double.isNaN(max) ? 0 : max;
    }

    private static Map<String, Object> stopEvidence(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof Diagnostic.StopTraining stop && stop.finding() != null) {
                return stop.finding().evidence();
            }
        }
        return Map.of();
    }

    boolean finished() {
        return status.equals("completed");
    }
}
