package io.gradlab.engine.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTableTest {
    private static Trial trial(String activation, String seed) {
        Map<String, String> axes = new LinkedHashMap<>();
        axes.put("model.architecture.activation", activation);
        axes.put("training.seed", seed);
        String id = "activation-" + activation + "_seed-" + seed;
        return new Trial(id, 0, "base.yaml", "name: x", ".", List.of(), axes);
    }

    private static ResultTable.Row row(String activation, String seed, double accuracy, double ratio, Integer to50) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("final_test_accuracy", accuracy);
        figures.put("grad_ratio_first_last", ratio);
        figures.put("epochs_to_50_percent", to50);
        Trial t = trial(activation, seed);
        return new ResultTable.Row(t, new TrialResult(t.id(), "completed", "/runs/" + t.id(), figures, null, false));
    }

    @Test
    void seedsArePooledIntoMeanSpreadAndGeometricMean() {
        Trial failed = trial("relu", "3");
        ResultTable table = new ResultTable(List.of("model.architecture.activation", "training.seed"), List.of(
                row("sigmoid", "1", 0.10, 1e-6, null),
                row("sigmoid", "2", 0.20, 1e-4, 3),
                row("relu", "1", 0.80, 1.0, 1),
                row("relu", "2", 0.84, 4.0, 2),
                new ResultTable.Row(failed, TrialResult.failed(failed.id(), "boom, with a comma"))));

        assertThat(table.groupAxes()).containsExactly("model.architecture.activation");
        List<ResultTable.Group> groups = table.groups();
        assertThat(groups).hasSize(2);
        ResultTable.Group relu = groups.get(1);
        assertThat(relu.rows()).hasSize(3);
        assertThat(relu.completed()).isEqualTo(2);
        ResultTable.Stats accuracy = ResultTable.Stats.of(relu.values("final_test_accuracy"));
        assertThat(accuracy.mean()).isCloseTo(0.82, within(1e-12));
        assertThat(accuracy.sd()).isCloseTo(Math.sqrt(2 * 0.02 * 0.02), within(1e-12));
        assertThat(ResultTable.Stats.of(relu.values("grad_ratio_first_last")).geomean()).isCloseTo(2.0, within(1e-12));
        assertThat(ResultTable.Stats.of(groups.get(0).values("grad_ratio_first_last")).geomean()).isCloseTo(1e-5, within(1e-17));

        List<String> grouped = table.groupedCsv().lines().toList();
        assertThat(grouped).hasSize(3);
        assertThat(grouped.get(0)).isEqualTo("model.architecture.activation,trials,completed,accuracy_mean,accuracy_sd,"
                + "grad_ratio_geomean,grad_ratio_min,grad_ratio_max,epochs_to_50_mean,epochs_to_50_reached");
        String[] sigmoid = grouped.get(1).split(",");
        assertThat(List.of(sigmoid[0], sigmoid[1], sigmoid[2], sigmoid[6], sigmoid[7], sigmoid[8], sigmoid[9]))
                .containsExactly("sigmoid", "2", "2", "1.0E-6", "1.0E-4", "3.0", "1");
        assertThat(Double.parseDouble(sigmoid[3])).isCloseTo(0.15, within(1e-12));
        assertThat(Double.parseDouble(sigmoid[5])).isCloseTo(1e-5, within(1e-17));
        assertThat(grouped.get(2)).startsWith("relu,3,2,0.82").endsWith(",2.0,1.0,4.0,1.5,2");
        assertThat(table.csv()).contains("activation-relu_seed-3,relu,3,failed,,,,,,,false,,\"boom, with a comma\"");
        String md = table.markdown("Sweep t");
        assertThat(md).contains("5 trial(s), 4 completed, 1 not completed")
                .contains("| sigmoid | 2/2 | 0.1500 ± 0.0707 | 1.00e-05 [1.00e-06, 1.00e-04] | 3.0 (1/2) |")
                .contains("| relu | 2/3 | 0.8200 ± 0.0283 | 2.00e+00 [1.00e+00, 4.00e+00] | 1.5 (2/2) |")
                .contains("| activation-relu_seed-3 | relu | 3 | failed: boom, with a comma |");
    }
}
