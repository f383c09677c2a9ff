package io.gradlab.engine.train;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * How to run a spec: where run folders go, and the data folder given on the command line.
 *
 * @param outDir  the parent of run folders
 * @param dataDir the {@code --data} folder, if any
 * @param write    whether to write a run folder at all ({@code false} for probes such as {@code gradlab doctor})
 * @param maxSteps stop after this many optimizer steps in all (0: no limit): the epoch in which the limit is
 *                 reached ends early, is recorded like any epoch, and the run ends with status {@code step-limit}
 */
public record RunOptions(Path outDir, Optional<Path> dataDir, boolean write, long maxSteps) {
    public RunOptions {
        requireNonNull(outDir, "outDir is null");
        requireNonNull(dataDir, "dataDir is null");
        if (maxSteps < 0) {
            throw new IllegalArgumentException("maxSteps must be 0 (no limit) or positive, got " + maxSteps);
        }
    }

    public RunOptions(Path outDir, Optional<Path> dataDir, boolean write) {
        this(outDir, dataDir, write, 0);
    }

    /** A probe: no run folder, at most {@code maxSteps} steps. */
    public static RunOptions probe(Optional<Path> dataDir, long maxSteps) {
        return new RunOptions(Path.of("."), dataDir, false, maxSteps);
    }

    public RunOptions withMaxSteps(long steps) {
        return new RunOptions(outDir, dataDir, write, steps);
    }

    public static RunOptions writingTo(Path outDir) {
        return new RunOptions(outDir, Optional.empty(), true);
    }
}
