package io.gradlab.engine.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The benchmark's summary says when its runs disagree too much to trust one figure. */
class BenchResultTest {
    private static BenchResult result(List<Double> runs) {
        return new BenchResult("reference", null, "", 100_000, OptionalLong.of(998_912), "native-openblas", "native-openblas, 2 threads", 2, 512,
                60_000, "FashionMNIST", false, runs, 50_000, 2.3, List.of("gradient-flow"), List.of(40_000.0, 90_000.0), List.of(),
                List.of(481.4, 62.0));
    }

    @Test
    void theCoresRoundTripsAreReported() {
        BenchResult r = result(List.of(100_000.0));
        assertThat(r.summary()).contains("cores:   481 ns, 62 ns for a value passed between two threads and back");
        assertThat(r.toMap()).containsEntry("core_round_trip_ns", List.of(481.0, 62.0));
    }

    @Test
    void theProbeMeasuresARoundTripBetweenTwoThreads() {
        // on any machine with two CPUs: more than a few ns (two writes and two cache misses), far less than a millisecond
        java.util.OptionalDouble trip = CoreProbe.roundTripNanos();
        if (Runtime.getRuntime().availableProcessors() >= 2 && trip.isPresent()) {
            assertThat(trip.getAsDouble()).isBetween(5.0, 1_000_000.0);
        } else {
            assertThat(trip).as("one CPU, or a machine too busy to run both threads within the budget").isEmpty();
        }
    }

    @Test
    void steadyRunsGetNoNote() {
        BenchResult r = result(List.of(100_000.0, 110_000.0, 105_000.0));
        assertThat(r.unsteady()).isFalse();
        assertThat(r.summary()).doesNotContain("note:").contains("diagnostics: gradient-flow");
        assertThat(r.toMap()).containsEntry("unsteady", false).containsEntry("warmup_runs", List.of(40_000.0, 90_000.0));
        assertThat(r.summary()).contains("warm-up: 40,000, 90,000 samples/s");
    }

    @Test
    void aRunIsQuietWhenTheJitCompiledForAtMostOneTwentiethOfIt() {
        assertThat(TrainingBenchmark.quiet(0, 1_000_000_000L)).isTrue();
        assertThat(TrainingBenchmark.quiet(50, 1_000_000_000L)).isTrue();
        assertThat(TrainingBenchmark.quiet(51, 1_000_000_000L)).isFalse();
        assertThat(TrainingBenchmark.quiet(400, 600_000_000L)).isFalse();
    }

    @Test
    void runsThatDifferByMoreThanAQuarterAreCalledUnsteady() {
        BenchResult r = result(List.of(60_000.0, 110_000.0, 105_000.0));
        assertThat(r.unsteady()).isTrue();
        assertThat(r.summary()).contains("note:    the runs differ by more than 25% (60,000 to 110,000 samples/s)")
                .contains("bench/compare.sh");
        assertThat(r.toMap()).containsEntry("unsteady", true);
    }
}
