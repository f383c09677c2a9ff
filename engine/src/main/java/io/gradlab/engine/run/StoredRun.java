package io.gradlab.engine.run;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.engine.spec.ExperimentSpec;
import io.gradlab.engine.spec.SpecLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import io.gradlab.engine.io.BoundedFiles;
import io.gradlab.engine.io.Messages;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** A run folder read back for resuming or restoring: its resolved spec and where that spec came from. */
public record StoredRun(Path dir, String specText, ResumeInfo info) {
    public StoredRun {
        requireNonNull(dir, "dir is null");
        requireNonNull(specText, "specText is null");
        requireNonNull(info, "info is null");
    }

    /** @throws GradlabException {@code USAGE} when {@code runDir} is not a folder that {@code gradlab run} created */
    public static StoredRun read(Path runDir) {
        Path dir = requireNonNull(runDir, "runDir is null").toAbsolutePath().normalize();
        Path specFile = dir.resolve(RunFolder.SPEC);
        if (!Files.isDirectory(dir)) {
            throw new GradlabException(Category.USAGE, "no run folder at " + dir + ": give a folder that gradlab run created");
        }
        for (String name : OutputFiles.RUN_FILES) {
            Path file = dir.resolve(name);
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new GradlabException(Category.DATA, "the run folder's " + name + " (" + Messages.quote(file) + ") is not a regular"
                        + " file (a folder, a link or a device): the run folder is damaged; move it away"
                        + (name.equals(RunFolder.CHECKPOINT) ? " to restart the run from its first epoch" : " and start the run again"));
            }
        }
        if (!Files.isRegularFile(specFile) || !Files.isRegularFile(dir.resolve(RunFolder.RUN_INFO))) {
            throw new GradlabException(Category.USAGE, Messages.quote(dir) + " is not a run folder (it has no " + RunFolder.SPEC + " and "
                    + RunFolder.RUN_INFO + "): give a folder that gradlab run created; a run stopped while creating them (a full disk)"
                    + " trained nothing: start it again with gradlab run SPEC and remove this folder");
        }
        try {
            byte[] spec = BoundedFiles.readAllBytes(specFile, SpecLoader.MAX_FILE_BYTES, "the resolved spec", Category.DATA);
            return new StoredRun(dir, new String(spec, StandardCharsets.UTF_8), ResumeInfo.read(dir));
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot read " + Messages.quote(specFile) + ": " + Messages.ioReason(e), e);
        }
    }

    /** The spec as the run recorded it; relative paths resolve against the folder the original spec was in. */
    public ExperimentSpec spec() {
        return SpecLoader.parse(specText, dir.resolve(RunFolder.SPEC).toString(), info.specDir(), List.of());
    }

    /** The data folder to load the run's data from: {@code dataDir} when given, else the run's own {@code --data}. */
    public Optional<Path> dataDir(Optional<Path> dataDir) {
        return dataDir.or(info::dataDir);
    }

    /** The folder the run folder is in. */
    public Path outDir() {
        return dir.getParent() == null ? dir : dir.getParent();
    }

    public Optional<Checkpoint> checkpoint() {
        return Checkpoint.read(dir);
    }

    public String specSha256() {
        return sha256(specText);
    }

    /** The SHA-256 of text (UTF-8) in lower-case hex. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
