package io.gradlab.sweep.spark;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.engine.sweep.SweepExecutor;
import io.gradlab.engine.sweep.SweepExecutorProvider;
import io.gradlab.engine.sweep.SweepJob;
import io.gradlab.engine.sweep.Trial;
import io.gradlab.engine.sweep.TrialListener;
import io.gradlab.engine.sweep.TrialResult;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.reflect.ClassTag$;
import scala.runtime.BoxedUnit;

/**
 * Runs a sweep on Apache Spark: the trial list becomes an RDD with one partition per trial, and each
 * partition's task ({@link TrialTask}) trains its trial with the same engine and plugins in an
 * executor and returns its result, which reaches the driver (and the progress display) as soon as
 * the task ends.
 *
 * <p>{@code local[N]} runs the executors inside this JVM, with no cluster. For any other master the
 * driver ships what executors need: every jar on its class path that is not one of Spark's own jars
 * ({@code spark.jars}), and the plugin jars of the plugins folder ({@code addFile}); the executors
 * must see the trials folder (a shared path, or a Hadoop filesystem URI) and the {@code --data} folder.
 */
public final class SparkSweepExecutor implements SweepExecutor {
    @Override
    public List<TrialResult> run(List<Trial> trials, SweepJob job, TrialListener listener) {
        String master = job.setting("master").orElse("local[" + job.workers() + "]");
        boolean local = master.startsWith("local");
        if (SweepJob.Locations.isUri(job.trials())) {
            HadoopTrials.checkFileSystem(job.trials());
        }
        SparkConf conf = new SparkConf().setAppName("gradlab-sweep-" + job.sweepName()).setMaster(master)
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false")
                .set("spark.locality.wait", "0s")
                .set("spark.task.cpus", "1");
        if (local || loopback(master)) {
            conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        }
        String blasThreads = System.getenv("OPENBLAS_NUM_THREADS");
        if (blasThreads != null) {
            conf.setExecutorEnv("OPENBLAS_NUM_THREADS", blasThreads);
        }
        if (!local) {
            conf.setJars(jarsToShip().toArray(String[]::new));
        }
        List<Path> pluginJars = pluginJars(job);
        JavaSparkContext sc;
        try {
            sc = new JavaSparkContext(conf);
        } catch (RuntimeException e) {
            throw new GradlabException(Category.IO, "cannot start Spark with master " + master + ": " + e.getMessage()
                    + (local ? "" : " (is the master running? start one with scripts/spark-standalone-sweep.sh, or use --master local[N])"), e);
        }
        try {
            pluginJars.forEach(p -> sc.addFile(p.toString()));
            TrialTask task = new TrialTask(job.trials(), job.dataDir().map(Path::toString).orElse(null),
                    pluginJars.stream().map(p -> p.getFileName().toString()).toList(), job.plugins().strict());
            JavaRDD<Trial> rdd = sc.parallelize(trials, trials.size());
            TrialResult[] results = new TrialResult[trials.size()];
            try {
                sc.sc().runJob(rdd.rdd(), task, (Object index, TrialResult result) -> {
                    int i = (Integer) index;
                    results[i] = result;
                    listener.finished(trials.get(i), result);
                    return BoxedUnit.UNIT;
                }, ClassTag$.MODULE$.apply(TrialResult.class));
            } catch (RuntimeException e) {
                // the job failed (a lost executor, a task that could not even start): keep what finished
                String reason = "the Spark job failed before this trial finished: " + e.getMessage()
                        + "; run the sweep again to finish it";
                for (int i = 0; i < results.length; i++) {
                    if (results[i] == null) {
                        results[i] = TrialResult.failed(trials.get(i).id(), reason);
                        listener.finished(trials.get(i), results[i]);
                    }
                }
            }
            return Arrays.asList(results);
        } finally {
            sc.stop();
        }
    }

    @Override
    public boolean publish(Path localDir, String location) {
        if (!SweepJob.Locations.isUri(location)) {
            return false;
        }
        try {
            org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(location);
            FileSystem fs = target.getFileSystem(new Configuration());
            fs.mkdirs(target);
            try (Stream<Path> files = Files.list(localDir)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(f.toUri()),
                            new org.apache.hadoop.fs.Path(target, f.getFileName().toString()));
                }
            }
            return true;
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot copy the sweep's tables from " + localDir + " to " + location + ": "
                    + e.getMessage(), e);
        }
    }

    private static boolean loopback(String master) {
        return master.contains("://127.") || master.contains("://localhost");
    }

    /**
     * The jars executors need from the driver: the driver's class path without the jars of the folder
     * Spark itself was loaded from (a cluster's workers have those in their own jars folder).
     */
    static List<String> jarsToShip() {
        Set<String> sparkJars = new HashSet<>();
        sparkFolder().ifPresent(dir -> {
            File[] jars = dir.toFile().listFiles((d, name) -> name.endsWith(".jar"));
            if (jars != null) {
                Arrays.stream(jars).forEach(f -> sparkJars.add(f.getName()));
            }
        });
        List<String> out = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            File f = new File(entry);
            if (entry.endsWith(".jar") && f.isFile() && !sparkJars.contains(f.getName())) {
                out.add(f.getAbsolutePath());
            }
        }
        return out;
    }

    private static Optional<Path> sparkFolder() {
        try {
            var source = SparkContext.class.getProtectionDomain().getCodeSource();
            return source == null ? Optional.empty() : Optional.ofNullable(Path.of(source.getLocation().toURI()).getParent());
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static List<Path> pluginJars(SweepJob job) {
        Path dir = job.plugins().pluginsDir();
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new GradlabException(Category.IO, "cannot list the plugins folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The {@code spark} engine. */
    public static final class Provider implements SweepExecutorProvider {
        @Override
        public String id() {
            return "spark";
        }

        @Override
        public String description() {
            return "one Spark task per trial: --master local[N] (embedded) or spark://HOST:7077 (a standalone cluster)";
        }

        @Override
        public SweepExecutor create() {
            return new SparkSweepExecutor();
        }
    }
}
