package io.gradlab.engine.run;

import static java.util.Objects.requireNonNull;

import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.EpochSink;
import io.gradlab.engine.train.TrainingSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Records each finished epoch of a run: keeps it in the run's history and, for a run with a folder,
 * appends its line to {@code metrics.jsonl} and then (with checkpoints on) replaces the checkpoint
 * with the session's state at the end of that epoch.
 */
public final class RunRecorder implements EpochSink {
    private final List<EpochMetrics> history;
    private final RunFolder folder;
    private final String checkpointSpecSha256;

    /**
     * @param earlier              the epochs recorded before (a resumed run's)
     * @param folder               the run folder to write into, if any
     * @param checkpointSpecSha256 the hash of the run's resolved spec to write checkpoints with, or empty for none
     */
    public RunRecorder(List<EpochMetrics> earlier, Optional<RunFolder> folder, Optional<String> checkpointSpecSha256) {
        this.history = new ArrayList<>(requireNonNull(earlier, "earlier is null"));
        this.folder = requireNonNull(folder, "folder is null").orElse(null);
        this.checkpointSpecSha256 = requireNonNull(checkpointSpecSha256, "checkpointSpecSha256 is null").orElse(null);
        if (this.folder == null && this.checkpointSpecSha256 != null) {
            throw new IllegalArgumentException("checkpoints need a run folder");
        }
    }

    @Override
    public void epochFinished(EpochMetrics metrics, TrainingSession session) {
        history.add(metrics);
        if (folder != null) {
            folder.appendMetrics(Json.line(Json.toMap(metrics)));
            if (checkpointSpecSha256 != null) {
                session.checkpoint(checkpointSpecSha256).write(folder.dir());
            }
        }
    }

    /** The epochs recorded so far, earlier ones included. */
    public List<EpochMetrics> history() {
        return List.copyOf(history);
    }
}
