package io.gradlab.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.GradlabException;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.Severity;
import io.gradlab.engine.train.EpochMetrics;
import io.gradlab.engine.train.LayerMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
    static EpochMetrics epoch(int n) {
        Map<String, Object> layerExtra = new LinkedHashMap<>();
        layerExtra.put("dead_fraction", 0.25);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("grad_ratio_first_last", 1.0e-5);
        extra.put("layerwise_stage", 2);
        return new EpochMetrics(n, n > 1 ? "stage-2" : null, 2.302585092994046, 0.1, Double.NaN, Double.NaN, 1.9, 0.375, 0.01,
                0.5, 12345.6, List.of(new LayerMetrics("hidden1", 1e-7, 3.5, 0.001, layerExtra)), extra,
                List.of(new Finding(Severity.WARNING, "vanishing-gradient", "the gradient vanishes", "hidden1",
                        Map.of("ratio", 1.0e-5), List.of("use relu"))));
    }

    @Test
    void aLineParsesBackToTheSameEpoch() {
        EpochMetrics m = epoch(3);
        EpochMetrics back = MetricsLog.parse(Json.line(Json.toMap(m)));
        assertThat(back).isEqualTo(m); // records compare doubles with Double.compare: NaN equals NaN
        assertThat(Json.line(Json.toMap(back))).isEqualTo(Json.line(Json.toMap(m)));
    }

    @Test
    void recoveryKeepsTheLinesUpToTheCheckpoint(@TempDir Path run) throws Exception {
        String lines = Json.line(Json.toMap(epoch(1))) + "\n" + Json.line(Json.toMap(epoch(2))) + "\n";
        Files.writeString(run.resolve(RunFolder.METRICS), lines);
        MetricsLog.Recovered same = MetricsLog.recover(run, 2);
        assertThat(same.rewritten()).isFalse();
        assertThat(same.history()).hasSize(2);
        MetricsLog.Recovered cut = MetricsLog.recover(run, 1);
        assertThat(cut.rewritten()).isTrue();
        assertThat(Files.readString(run.resolve(RunFolder.METRICS))).isEqualTo(Json.line(Json.toMap(epoch(1))) + "\n");
        assertThat(MetricsLog.read(run)).hasSize(1);
    }

    @Test
    void missingOrMisnumberedEpochsAreADamagedFolder(@TempDir Path run) throws Exception {
        assertThatThrownBy(() -> MetricsLog.recover(run, 1)).isInstanceOf(GradlabException.class)
                .hasMessageContaining("it is missing but the checkpoint is at epoch 1");
        Files.writeString(run.resolve(RunFolder.METRICS), Json.line(Json.toMap(epoch(2))) + "\n");
        assertThatThrownBy(() -> MetricsLog.recover(run, 2)).isInstanceOf(GradlabException.class)
                .hasMessageContaining("line 1 is epoch 2 where epoch 1 belongs");
        Files.writeString(run.resolve(RunFolder.METRICS), Json.line(Json.toMap(epoch(1))) + "\n");
        assertThatThrownBy(() -> MetricsLog.recover(run, 2)).isInstanceOf(GradlabException.class)
                .hasMessageContaining("it holds 1 epochs but the checkpoint is at epoch 2");
        Files.writeString(run.resolve(RunFolder.METRICS), "[1, 2]\n");
        assertThatThrownBy(() -> MetricsLog.recover(run, 0)).isInstanceOf(GradlabException.class)
                .hasMessageContaining("line 1 is not an epoch record");
    }
}
