package io.gradlab.plugins.recurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.data.DataSplits;
import io.gradlab.api.data.Dataset;
import org.junit.jupiter.api.Test;

class SequenceTasksTest {
    @Test
    void theAddingProblemHasTwoMarkersOnePerHalfAndTheirSumAsTarget() {
        DataSplits splits = SequenceTasks.adding(50, 2000, 3000, TestSupport.random(1));
        Dataset train = splits.train();
        assertThat(train.width()).isEqualTo(100);
        assertThat(train.timeSteps()).isEqualTo(50);
        assertThat(train.classes()).isZero();
        assertThat(train.targetWidth()).isEqualTo(1);
        assertThat(splits.test().size()).isEqualTo(3000);
        float[] x = train.features();
        for (int s = 0; s < train.size(); s++) {
            int markers = 0;
            double sum = 0;
            int firstHalf = 0;
            for (int t = 0; t < 50; t++) {
                float value = x[s * 100 + 2 * t];
                float marker = x[s * 100 + 2 * t + 1];
                assertThat(value).isBetween(0f, 1f);
                assertThat(marker).isIn(0f, 1f);
                if (marker == 1f) {
                    markers++;
                    sum += value;
                    firstHalf += t < 25 ? 1 : 0;
                }
            }
            assertThat(markers).isEqualTo(2);
            assertThat(firstHalf).isEqualTo(1);
            assertThat((double) train.targets()[s]).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-6));
        }
    }

    @Test
    void predictingTheMeanScoresAboutOneSixth() {
        Dataset test = SequenceTasks.adding(20, 10, 20_000, TestSupport.random(2)).test();
        double mse = 0;
        for (float y : test.targets()) {
            mse += (y - 1.0) * (y - 1.0);
        }
        mse /= test.size();
        assertThat(mse).isCloseTo(SequenceTasks.ADDING_BASELINE_MSE, org.assertj.core.data.Offset.offset(0.006));
    }

    @Test
    void theSameSeedGivesTheSameData() {
        float[] a = SequenceTasks.adding(10, 50, 5, TestSupport.random(3)).train().features();
        float[] b = SequenceTasks.adding(10, 50, 5, TestSupport.random(3)).train().features();
        float[] c = SequenceTasks.adding(10, 50, 5, TestSupport.random(4)).train().features();
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void theCopyTaskAsksForTheFirstSymbolAtTheRecallMarker() {
        DataSplits splits = SequenceTasks.copy(12, 5, 3, 400, 100, TestSupport.random(5));
        Dataset train = splits.train();
        int f = 6;
        assertThat(train.width()).isEqualTo(12 * f);
        assertThat(train.timeSteps()).isEqualTo(12);
        assertThat(train.classes()).isEqualTo(5);
        int[] counts = new int[5];
        for (int s = 0; s < train.size(); s++) {
            float[] x = train.features();
            int base = s * 12 * f;
            for (int t = 0; t < 12; t++) {
                float symbols = 0;
                for (int k = 0; k < 5; k++) {
                    symbols += x[base + t * f + k];
                }
                assertThat(symbols).isEqualTo(t < 3 ? 1f : 0f);
                assertThat(x[base + t * f + 5]).isEqualTo(t == 11 ? 1f : 0f);
            }
            int label = train.label(s);
            assertThat(x[base + label]).isEqualTo(1f);
            counts[label]++;
        }
        assertThat(java.util.Arrays.stream(counts).min().orElseThrow()).isGreaterThan(40);
        assertThatThrownBy(() -> SequenceTasks.copy(4, 5, 4, 1, 1, TestSupport.random(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
