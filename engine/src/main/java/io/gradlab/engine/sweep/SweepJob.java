package io.gradlab.engine.sweep;

import static java.util.Objects.requireNonNull;

import io.gradlab.engine.registry.PluginHostConfig;
import io.gradlab.engine.train.ExperimentRunner;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how an executor runs a sweep's trials.
 *
 * @param sweepName the sweep's name (a Spark application's name)
 * @param trials    where trial folders go: a local path, or a URI ({@code file:///shared/x},
 *                  {@code hdfs://namenode/x}) for executors that write through a Hadoop filesystem
 * @param dataDir   the {@code --data} folder, if any (it must exist where the trials run)
 * @param plugins   how the driver loaded plugins: executors in other JVMs load them the same way
 * @param workers   how many trials run at once (the local pool's size; {@code local[N]} for Spark)
 * @param settings  executor-specific settings ({@code master} for Spark)
 * @param runner    the driver's experiment runner, for executors that run trials in this JVM
 */
public record SweepJob(String sweepName, String trials, Optional<Path> dataDir, PluginHostConfig plugins, int workers,
                       Map<String, String> settings, ExperimentRunner runner) {
    public SweepJob {
        requireNonNull(sweepName, "sweepName is null");
        requireNonNull(trials, "trials is null");
        requireNonNull(dataDir, "dataDir is null");
        requireNonNull(plugins, "plugins is null");
        settings = Map.copyOf(settings);
        requireNonNull(runner, "runner is null");
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        }
    }

    /** The trials' folder when {@link #trials} is a local path (or a {@code file:} URI). */
    public Optional<Path> localTrials() {
        return Locations.localPath(trials);
    }

    public Optional<String> setting(String key) {
        return Optional.ofNullable(settings.get(key));
    }

    /** Locations: local paths and URIs. */
    public static final class Locations {
        private Locations() {}

        /** Whether the text is a URI with a scheme (two letters or more, so that {@code C:\x} is a path). */
        public static boolean isUri(String location) {
            int colon = location.indexOf(':');
            return colon > 1 && location.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*");
        }

        /** The local path of a plain path or a {@code file:} URI; empty for any other URI. */
        public static Optional<Path> localPath(String location) {
            if (!isUri(location)) {
                return Optional.of(Path.of(location).toAbsolutePath().normalize());
            }
            URI uri = URI.create(location);
            return "file".equalsIgnoreCase(uri.getScheme()) ? Optional.of(Path.of(uri).normalize()) : Optional.empty();
        }
    }
}
