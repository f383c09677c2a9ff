package io.gradlab.sweep.spark;

import io.gradlab.engine.sweep.Trial;
import io.gradlab.engine.sweep.TrialFolders;
import io.gradlab.engine.sweep.TrialResult;
import io.gradlab.engine.sweep.TrialRunner;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Trials whose folder is on a Hadoop filesystem ({@code hdfs://...}, {@code s3a://...}, {@code file:///...}):
 * the trial's folder is copied down into a local temporary folder (so that a finished run is found
 * and kept, and an interrupted one resumed, as with a local folder), the trial runs there, and its run
 * folder and {@code trial.json} are copied up with the Hadoop FileSystem API.
 */
final class HadoopTrials {
    private HadoopTrials() {}

    static TrialResult run(TrialRunner runner, Trial trial, String trials, Optional<Path> dataDir) throws IOException {
        Configuration conf = new Configuration();
        org.apache.hadoop.fs.Path remoteTrial = new org.apache.hadoop.fs.Path(trials.replaceAll("/+$", "") + "/" + trial.id());
        FileSystem fs = remoteTrial.getFileSystem(conf);
        Path local = Files.createTempDirectory("gradlab-trial-");
        try {
            Path localTrial = local.resolve(trial.id());
            if (fs.exists(remoteTrial)) {
                fs.copyToLocalFile(false, remoteTrial, new org.apache.hadoop.fs.Path(localTrial.toUri()), true);
            }
            TrialResult result = runner.run(trial, local, dataDir);
            if (result.reused()) {
                return withRunDir(result, remoteTrial, localTrial);
            }
            fs.mkdirs(remoteTrial);
            Path trialFile = localTrial.resolve(TrialFolders.TRIAL_FILE);
            if (Files.exists(trialFile)) {
                fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(trialFile.toUri()),
                        new org.apache.hadoop.fs.Path(remoteTrial, TrialFolders.TRIAL_FILE));
            }
            if (result.runDir() != null && Path.of(result.runDir()).startsWith(localTrial)) {
                // a new run folder, or the interrupted one it resumed: replace the copy on the filesystem
                Path run = Path.of(result.runDir());
                org.apache.hadoop.fs.Path remoteRun = new org.apache.hadoop.fs.Path(remoteTrial, run.getFileName().toString());
                if (fs.exists(remoteRun)) {
                    fs.delete(remoteRun, true);
                }
                fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(run.toUri()), remoteRun);
            }
            return withRunDir(result, remoteTrial, localTrial);
        } finally {
            deleteRecursively(local);
        }
    }

    /** The result with its run folder named on the Hadoop filesystem instead of the local copy. */
    private static TrialResult withRunDir(TrialResult r, org.apache.hadoop.fs.Path remoteTrial, Path localTrial) {
        if (r.runDir() == null) {
            return r;
        }
        Path run = Path.of(r.runDir());
        String remote = run.startsWith(localTrial)
                ? new org.apache.hadoop.fs.Path(remoteTrial, localTrial.relativize(run).toString()).toString()
                : r.runDir();
        return new TrialResult(r.trialId(), r.status(), remote, r.figures(), r.error(), r.reused());
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder: left for the system to clean
        }
    }

    /** Whether Hadoop has a filesystem for this URI's scheme. */
    static void checkFileSystem(String location) {
        try {
            FileSystem.get(URI.create(location), new Configuration());
        } catch (IOException e) {
            throw new io.gradlab.api.GradlabException(io.gradlab.api.GradlabException.Category.IO, "cannot open " + location
                    + " with Hadoop's FileSystem API: " + e.getMessage() + " (hdfs:// and file:// work out of the box; other"
                    + " schemes need their Hadoop connector jar on the classpath)", e);
        }
    }
}
