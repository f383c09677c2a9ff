package io.gradlab.engine.run;

import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.LayerMetrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The figures of {@code summary.json}. */
public final class Summaries {
    private Summaries() {}

    public static Map<String, Object> summary(ExperimentSpec spec, List<EpochMetrics> history, String status, String error,
                                              double seconds, String backend, String data, long parameters) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", spec.name());
        s.put("status", status);
        if (error != null) {
            s.put("error", error);
        }
        s.put("epochs_completed", history.size());
        s.put("epochs_planned", spec.training().epochs());
        s.put("seed", spec.training().seed());
        s.put("data", data);
        s.put("parameters", parameters);
        s.put("backend", backend);
        if (!history.isEmpty()) {
            EpochMetrics last = history.get(history.size() - 1);
            s.put("final_train_loss", last.trainLoss());
            s.put("final_train_accuracy", last.trainAccuracy());
            if (!Double.isNaN(last.valLoss())) {
                s.put("final_val_loss", last.valLoss());
                s.put("final_val_accuracy", last.valAccuracy());
            }
            s.put("final_test_loss", last.testLoss());
            s.put("final_test_accuracy", last.testAccuracy());
            s.put("best_test_accuracy", history.stream().mapToDouble(EpochMetrics::testAccuracy).filter(d -> !Double.isNaN(d)).max().orElse(Double.NaN));
            Integer to50 = null;
            for (EpochMetrics m : history) {
                if (m.testAccuracy() >= 0.5) {
                    to50 = m.epoch();
                    break;
                }
            }
            s.put("epochs_to_50_percent", to50);
            List<LayerMetrics> layers = last.layers();
            if (layers.size() >= 3) {
                double first = layers.get(0).gradNorm();
                double lastHidden = layers.get(layers.size() - 2).gradNorm();
                s.put("grad_ratio_first_last", lastHidden == 0 ? null : first / lastHidden);
            }
        }
        s.put("seconds", seconds);
        return s;
    }
}
