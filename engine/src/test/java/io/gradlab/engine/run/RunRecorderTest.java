package io.gradlab.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.engine.train.EpochMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunRecorderTest {
    @TempDir
    Path tmp;

    @Test
    void withoutAFolderTheEpochsAreKeptInMemoryOnly() {
        RunRecorder recorder = new RunRecorder(List.of(MetricsLogTest.epoch(1)), Optional.empty(), Optional.empty());
        recorder.epochFinished(MetricsLogTest.epoch(2), null); // no checkpoint: the session is not asked
        assertThat(recorder.history()).extracting(EpochMetrics::epoch).containsExactly(1, 2);
    }

    @Test
    void eachEpochIsAppendedToTheMetricsOfTheRunFolder() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
        try (RunFolder folder = RunFolder.create(tmp, "rec", clock)) {
            RunRecorder recorder = new RunRecorder(List.of(), Optional.of(folder), Optional.empty());
            recorder.epochFinished(MetricsLogTest.epoch(1), null);
            recorder.epochFinished(MetricsLogTest.epoch(2), null);
            String text = Files.readString(folder.dir().resolve(RunFolder.METRICS), StandardCharsets.UTF_8);
            assertThat(text.lines().map(MetricsLog::parse).map(EpochMetrics::epoch)).containsExactly(1, 2);
            assertThat(text).isEqualTo(Json.line(Json.toMap(MetricsLogTest.epoch(1))) + "\n" + Json.line(Json.toMap(MetricsLogTest.epoch(2))) + "\n");
            assertThat(folder.dir().resolve(RunFolder.CHECKPOINT)).doesNotExist();
            assertThat(recorder.history()).hasSize(2);
        }
    }

    @Test
    void checkpointsNeedAFolder() {
        assertThatThrownBy(() -> new RunRecorder(List.of(), Optional.empty(), Optional.of("abc")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("run folder");
    }
}
