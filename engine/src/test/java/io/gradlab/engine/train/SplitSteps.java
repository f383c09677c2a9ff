package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
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

    /**
     * {@code actual} trained to {@code expected}'s figures: the losses, the accuracies, each layer's norms and update
     * ratio, and every figure of the epochs and layers (numbers within {@code relative} of theirs, the rest equal).
     */
    public static void assertSameTraining(List<EpochMetrics> actual, List<EpochMetrics> expected, double relative) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int e = 0; e < actual.size(); e++) {
            EpochMetrics s = actual.get(e);
            EpochMetrics w = expected.get(e);
            close(s.trainLoss(), w.trainLoss(), relative, "epoch " + s.epoch() + " train loss");
            assertThat(s.trainAccuracy()).isEqualTo(w.trainAccuracy());
            close(s.valLoss(), w.valLoss(), relative, "epoch " + s.epoch() + " validation loss");
            close(s.testLoss(), w.testLoss(), relative, "epoch " + s.epoch() + " test loss");
            assertThat(s.findings()).hasSameSizeAs(w.findings());
            assertThat(s.layers()).hasSameSizeAs(w.layers());
            for (int l = 0; l < s.layers().size(); l++) {
                LayerMetrics sl = s.layers().get(l);
                LayerMetrics wl = w.layers().get(l);
                close(sl.gradNorm(), wl.gradNorm(), relative, sl.name() + " grad norm");
                close(sl.weightNorm(), wl.weightNorm(), relative, sl.name() + " weight norm");
                close(sl.updateRatio(), wl.updateRatio(), relative, sl.name() + " update ratio");
                sameFigures(sl.extra(), wl.extra(), relative, "epoch " + s.epoch() + " " + sl.name());
            }
            sameFigures(s.extra(), w.extra(), relative, "epoch " + s.epoch());
        }
    }

    private static void close(double actual, double expected, double relative, String what) {
        if (Double.isNaN(expected)) {
            assertThat(actual).as(what).isNaN();
        } else {
            assertThat(actual).as(what).isCloseTo(expected, within(relative * Math.max(1e-300, Math.abs(expected))));
        }
    }

    private static void sameFigures(Map<String, Object> actual, Map<String, Object> expected, double relative, String where) {
        assertThat(actual.keySet()).as(where).isEqualTo(expected.keySet());
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            Object a = actual.get(e.getKey());
            if (e.getValue() instanceof Double w) {
                close(((Number) a).doubleValue(), w, relative, where + " " + e.getKey());
            } else if (e.getValue() instanceof Map<?, ?> || e.getValue() instanceof List<?>) {
                assertThat(a).as(where + " " + e.getKey()).isNotNull();
            } else {
                assertThat(a).as(where + " " + e.getKey()).isEqualTo(e.getValue());
            }
        }
    }
}
