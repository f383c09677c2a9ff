package io.gradlab.cli.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gradlab.engine.train.EpochMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutcomeTest {
    private static final Study.Remedy REMEDY = new Study.Remedy("relu", "ReLU");

    private static EpochMetrics epoch(int n, double testAccuracy) {
        return new EpochMetrics(n, null, 1, 0.5, Double.NaN, Double.NaN, 1, testAccuracy, 0.01, 1, 100, List.of(),
                Map.of(Outcome.RATIO_KEY, 0.1 * n), List.of());
    }

    @Test
    void theReportedFigureIsTheMeanOfTheLastFiveEpochs() {
        double[] acc = {0.10, 0.30, 0.55, 0.70, 0.74, 0.80, 0.76, 0.82, 0.78};
        List<EpochMetrics> history = new ArrayList<>();
        for (int i = 0; i < acc.length; i++) {
            history.add(epoch(i + 1, acc[i]));
        }
        Outcome o = Outcome.of(REMEDY, 42, "completed", history, null, null);
        assertThat(o.finalAccuracy()).isEqualTo(0.78);
        assertThat(o.lastAccuracy()).isCloseTo((0.74 + 0.80 + 0.76 + 0.82 + 0.78) / 5, within(1e-12));
        assertThat(o.epochsTo50()).isEqualTo(3);
        assertThat(o.ratioFirst()).isCloseTo(0.1, within(1e-12));
        assertThat(o.ratioLast()).isCloseTo(0.9, within(1e-12));
    }

    @Test
    void fewerEpochsThanFiveAreAllAveragedAndNoneGiveNaN() {
        Outcome two = Outcome.of(REMEDY, 42, "completed", List.of(epoch(1, 0.2), epoch(2, 0.4)), null, null);
        assertThat(two.lastAccuracy()).isCloseTo(0.3, within(1e-12));
        Outcome none = Outcome.of(REMEDY, 42, "failed", List.of(), null, "boom");
        assertThat(none.lastAccuracy()).isNaN();
        assertThat(none.finalAccuracy()).isNaN();
    }
}
