package io.gradlab.api.data;

import io.gradlab.api.tensor.RandomSource;
import java.nio.file.Path;
import java.util.Optional;

/** What a dataset source receives from the host. */
public interface DataContext {
    /** The data folder given on the command line ({@code --data}), if any; it overrides the spec's path. */
    Optional<Path> dataDirOverride();

    /** Where the spec file lives (relative paths in the spec resolve against it). */
    Path specDir();

    /** A random stream for generated datasets. */
    RandomSource random();
}
