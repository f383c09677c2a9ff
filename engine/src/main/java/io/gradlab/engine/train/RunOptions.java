package io.gradlab.engine.train;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How to run a spec: where run folders go, and the data folder given on the command line.
 *
 * @param outDir  the parent of run folders
 * @param dataDir the {@code --data} folder, if any
 * @param write   whether to write a run folder at all ({@code false} for probes such as {@code gradlab doctor})
 */
public record RunOptions(Path outDir, Optional<Path> dataDir, boolean write) {
    public RunOptions {
        requireNonNull(outDir, "outDir is null");
        requireNonNull(dataDir, "dataDir is null");
    }

    public static RunOptions writingTo(Path outDir) {
        return new RunOptions(outDir, Optional.empty(), true);
    }
}
