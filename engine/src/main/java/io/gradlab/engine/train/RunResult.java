package io.gradlab.engine.train;

import io.gradlab.api.diag.Finding;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a run produced.
 *
 * @param runDir   the run folder, or {@code null} when none was written
 * @param status   {@code completed}, {@code step-limit} (a probe reached {@link RunOptions#maxSteps()}), {@code diverged},
 *                 {@code stopped} (a diagnostic stopped it) or {@code failed}
 * @param findings the findings of the last epoch
 */
public record RunResult(Path runDir, String status, List<EpochMetrics> history, Map<String, Object> summary, List<Finding> findings) {
    public EpochMetrics last() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }
}
