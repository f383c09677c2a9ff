package io.gradlab.engine.train;

import java.util.function.Supplier;

/** For tests: runs with each training batch split by rows over the kernel threads ({@link ShardedStep}), or not. */
public final class SplitSteps {
    private SplitSteps() {}

    /** {@code run} with {@code -Dgradlab.shards} set to {@code split} (and as it was afterwards). */
    public static <T> T with(boolean split, Supplier<T> run) {
        String before = System.getProperty("gradlab.shards");
        System.setProperty("gradlab.shards", Boolean.toString(split));
        try {
            return run.get();
        } finally {
            if (before == null) {
                System.clearProperty("gradlab.shards");
            } else {
                System.setProperty("gradlab.shards", before);
            }
        }
    }
}
