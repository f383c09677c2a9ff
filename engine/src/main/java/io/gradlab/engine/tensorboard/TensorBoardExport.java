package io.gradlab.engine.tensorboard;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.run.Checkpoint;
import io.gradlab.engine.run.MetricsLog;
import io.gradlab.engine.run.RunFolder;
import io.gradlab.engine.train.EpochMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a run folder as a TensorBoard event file: every epoch of {@code metrics.jsonl} as scalars
 * ({@link EpochScalars}) and the weights of the last checkpoint as histograms at its epoch (a run
 * folder keeps no earlier weights and no gradients; {@code training.tensorboard} records them while
 * training).
 */
public final class TensorBoardExport {
    private TensorBoardExport() {}

    /** What was written: the event file, the epochs and the weight histograms. */
    public record Exported(Path file, int epochs, int histograms) {}

    /** @param logDir the TensorBoard log folder: the file goes into {@code logDir/<run folder name>/} */
    public static Exported export(Path runDir, Path logDir) {
        requireNonNull(runDir, "runDir is null");
        requireNonNull(logDir, "logDir is null");
        Path dir = runDir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve(RunFolder.SPEC))) {
            throw new GradlabException(Category.USAGE, dir + " is not a run folder (it has no " + RunFolder.SPEC
                    + "): give a folder that gradlab run created");
        }
        List<EpochMetrics> epochs = MetricsLog.read(dir);
        int histograms = 0;
        try (EventFile events = EventFile.create(logDir.resolve(dir.getFileName().toString()))) {
            for (EpochMetrics m : epochs) {
                events.scalars(m.epoch(), EpochScalars.of(m));
            }
            var checkpoint = Checkpoint.read(dir);
            if (checkpoint.isPresent()) {
                for (Map.Entry<String, Tensor> e : checkpoint.get().model().entrySet()) {
                    events.histogram(checkpoint.get().epoch(), "weights/" + e.getKey(), e.getValue().toDoubleArray());
                    histograms++;
                }
            }
            return new Exported(events.file(), epochs.size(), histograms);
        }
    }
}
