package io.gradlab.engine.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.gradlab.engine.io.BoundedFiles;
import io.gradlab.engine.io.Messages;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.engine.spec.ExperimentSpec;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code run.json}: what a resumed run needs besides its resolved spec, namely the folder the spec
 * was read from (relative paths in it resolve against that folder) and the {@code --data} folder.
 */
public record ResumeInfo(Path specDir, Optional<Path> dataDir) {
    public ResumeInfo {
        requireNonNull(specDir, "specDir is null");
        requireNonNull(dataDir, "dataDir is null");
    }

    /** What a run of {@code spec} with the data folder {@code dataDir} ({@code --data}, if given) records. */
    public static ResumeInfo of(ExperimentSpec spec, Optional<Path> dataDir) {
        return new ResumeInfo(spec.baseDir().toAbsolutePath().normalize(), dataDir.map(p -> p.toAbsolutePath().normalize()));
    }

    public void write(Path runDir) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("spec_dir", specDir.toString());
        json.put("data_dir", dataDir.map(Path::toString).orElse(null));
        RunFolder.writeAtomically(runDir.resolve(RunFolder.RUN_INFO), Json.pretty(json).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The largest run.json gradlab reads (1 MiB). */
    static final long MAX_FILE_BYTES = 1 << 20;

    public static ResumeInfo read(Path runDir) {
        Path file = runDir.resolve(RunFolder.RUN_INFO);
        try {
            JsonNode node = Json.mapper().readTree(BoundedFiles.readAllBytes(file, MAX_FILE_BYTES, RunFolder.RUN_INFO, Category.DATA));
            if (node == null || !node.path("spec_dir").isTextual()) {
                throw new GradlabException(Category.DATA, Messages.quote(file) + " has no spec_dir: the run folder is damaged;"
                        + " start the run again with gradlab run SPEC");
            }
            Optional<Path> data = node.path("data_dir").isTextual() ? Optional.of(Path.of(node.get("data_dir").asText())) : Optional.empty();
            return new ResumeInfo(Path.of(node.get("spec_dir").asText()), data);
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new GradlabException(Category.DATA, Messages.quote(file) + " is not valid JSON" + at + ": the run folder is damaged;"
                    + " start the run again with gradlab run SPEC", e);
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot read " + Messages.quote(file) + ": " + Messages.ioReason(e), e);
        } catch (InvalidPathException e) {
            throw new GradlabException(Category.DATA, Messages.quote(file) + " holds a path that is not valid here ("
                    + Messages.escape(e.getMessage()) + "): the run folder is damaged; start the run again with gradlab run SPEC", e);
        }
    }
}
