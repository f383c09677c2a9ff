package io.gradlab.sweep.spark;

import static java.util.Objects.requireNonNull;

import io.gradlab.engine.registry.PluginHost;
import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.sweep.SweepJob;
import io.gradlab.engine.sweep.Trial;
import io.gradlab.engine.sweep.TrialResult;
import io.gradlab.engine.sweep.TrialRunner;
import io.gradlab.engine.train.ExperimentRunner;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction2;

/**
 * The Spark task of one trial (one partition holds one trial): builds the engine in the executor's
 * JVM (plugins from its class path, plus the plugin jars shipped with {@code SparkContext.addFile}),
 * runs the trial with {@link TrialRunner} into the shared trials folder and returns its result to
 * the driver. When the trials folder is a URI it goes through {@link HadoopTrials}: the trial runs in a
 * local folder and its new run folder is copied to the URI.
 */
final class TrialTask extends AbstractFunction2<TaskContext, Iterator<Trial>, TrialResult> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String trials;
    private final String dataDir;
    private final List<String> pluginJars;
    private final boolean strict;

    /**
     * @param trials     the trials folder: a path every executor sees, or a URI
     * @param dataDir    the {@code --data} folder, or {@code null}
     * @param pluginJars the file names of the plugin jars shipped with {@code addFile}
     * @param strict     {@code --strict}
     */
    TrialTask(String trials, String dataDir, List<String> pluginJars, boolean strict) {
        this.trials = requireNonNull(trials, "trials is null");
        this.dataDir = dataDir;
        this.pluginJars = List.copyOf(pluginJars);
        this.strict = strict;
    }

    @Override
    public TrialResult apply(TaskContext context, Iterator<Trial> partition) {
        Trial trial = partition.next();
        try {
            TrialRunner runner = new TrialRunner(ExperimentRunner.withDefaultKernels(new PluginHost(plugins()).load()));
            Optional<Path> data = Optional.ofNullable(dataDir).map(Path::of);
            if (SweepJob.Locations.isUri(trials)) {
                return HadoopTrials.run(runner, trial, trials, data);
            }
            return runner.run(trial, Path.of(trials), data);
        } catch (RuntimeException | IOException e) {
            return TrialResult.failed(trial.id(), "the Spark task could not run the trial: " + e);
        }
    }

    /** The plugin host configuration of this executor: the shipped plugin jars in a folder of their own. */
    private PluginHostConfig plugins() throws IOException {
        if (pluginJars.isEmpty()) {
            return new PluginHostConfig(null, strict);
        }
        Path dir = Files.createTempDirectory("gradlab-plugins-");
        dir.toFile().deleteOnExit();
        for (String jar : pluginJars) {
            Path copy = dir.resolve(jar);
            Files.copy(Path.of(SparkFiles.get(jar)), copy, StandardCopyOption.REPLACE_EXISTING);
            copy.toFile().deleteOnExit();
        }
        return new PluginHostConfig(dir, strict);
    }
}
