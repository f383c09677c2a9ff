package io.gradlab.engine.run;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.engine.weights.ModelTensors;
import io.gradlab.engine.weights.Npy;
import io.gradlab.engine.weights.SafeTensors;
import io.gradlab.engine.weights.WeightFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import io.gradlab.engine.spec.SpecLoader;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/**
 * Exports the weights of a run folder (its last checkpoint: the final weights of a completed run)
 * under the PyTorch names of {@link io.gradlab.engine.weights.ModelTensors}, without the optimizer state.
 */
public final class RunExport {
    private RunExport() {}

    /**
     * What was written.
     *
     * @param epoch    the epoch of the exported weights
     * @param planned  the epochs the run plans
     * @param complete whether the run is complete (else the weights are those of an interrupted run)
     */
    public record Exported(Path file, int tensors, int epoch, int planned, boolean complete) {}

    public static Exported export(Path runDir, WeightFiles.Format format, Path out) {
        requireNonNull(runDir, "runDir is null");
        requireNonNull(format, "format is null");
        requireNonNull(out, "out is null");
        Path dir = runDir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve(RunFolder.SPEC))) {
            throw new GradlabException(Category.USAGE, dir + " is not a run folder (it has no " + RunFolder.SPEC
                    + "): give a folder that gradlab run created");
        }
        Checkpoint checkpoint = Checkpoint.read(dir).orElseThrow(() -> new GradlabException(Category.USAGE, "run " + dir + " has no "
                + RunFolder.CHECKPOINT + ": it ran with training.checkpoint: false or ended before its first epoch; run it again with"
                + " checkpoints on"));
        // batch norm's num_batches_tracked as PyTorch keeps it (an int64 scalar); 0 from a checkpoint written before gradlab kept it
        Map<String, Tensor> tensors = ModelTensors.withMissingCounters(checkpoint.model());
        Set<String> counts = new LinkedHashSet<>();
        tensors.keySet().stream().filter(ModelTensors::isCounter).forEach(counts::add);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("gradlab_run", dir.getFileName().toString());
        meta.put("epoch", Integer.toString(checkpoint.epoch()));
        switch (format) {
            case SAFETENSORS -> RunFolder.writeAtomically(out, SafeTensors.encode(meta, tensors, counts));
            case NPZ -> Npy.writeArchive(out, tensors, counts);
            default -> throw new IllegalStateException("unknown format " + format);
        }
        return new Exported(out, tensors.size(), checkpoint.epoch(), plannedEpochs(dir), RunFolders.isComplete(dir));
    }

    private static int plannedEpochs(Path dir) {
        Path spec = dir.resolve(RunFolder.SPEC);
        try {
            return SpecLoader.parse(Files.readString(spec), spec.toString(), dir, List.of()).training().epochs();
        } catch (java.io.IOException e) {
            throw new GradlabException(Category.IO, "cannot read " + spec + ": " + e.getMessage(), e);
        }
    }
}
