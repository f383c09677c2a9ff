package io.gradlab.engine.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gradlab.api.GradlabException;
import io.gradlab.api.data.Dataset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SplitsTest {
    /** Sample i has feature i and label i % classes, so samples can be traced through a split. */
    private static Dataset traced(int size, int classes) {
        float[] x = new float[size];
        int[] y = new int[size];
        for (int i = 0; i < size; i++) {
            x[i] = i;
            y[i] = i % classes;
        }
        return Dataset.classification("traced", x, y, 1, classes);
    }

    private static Set<Integer> ids(Dataset d) {
        Set<Integer> out = new HashSet<>();
        for (float v : d.features()) {
            out.add((int) v);
        }
        return out;
    }

    @Test
    void holdoutHasTheRequestedSizesAndPartitionsTheData() {
        Dataset data = traced(1000, 10);
        Dataset[] parts = Splits.holdout(data, 150, 7);

        assertThat(parts).hasSize(2);
        assertThat(parts[0].size()).isEqualTo(850);
        assertThat(parts[1].size()).isEqualTo(150);
        Set<Integer> train = ids(parts[0]);
        Set<Integer> valid = ids(parts[1]);
        assertThat(train).hasSize(850).doesNotContainAnyElementsOf(valid);
        Set<Integer> all = new HashSet<>(train);
        all.addAll(valid);
        assertThat(all).hasSize(1000);
        assertThat(parts[0].name()).isEqualTo("traced-train");
        assertThat(parts[1].name()).isEqualTo("traced-validation");
        for (int i = 0; i < parts[1].size(); i++) {
            assertThat(parts[1].label(i)).isEqualTo((int) parts[1].features()[i] % 10);
        }
    }

    @Test
    void holdoutIsDeterminedByTheSeed() {
        Dataset data = traced(500, 5);
        assertThat(Splits.holdout(data, 60, 1)[1].features()).isEqualTo(Splits.holdout(data, 60, 1)[1].features());
        assertThat(Splits.holdout(data, 60, 1)[1].features()).isNotEqualTo(Splits.holdout(data, 60, 2)[1].features());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 33, 99, 250, 499})
    void holdoutIsStratified(int count) {
        Dataset data = traced(500, 5);
        Dataset[] parts = Splits.holdout(data, count, count);
        int[] perClass = FashionMnistTest.perClass(parts[1]);
        assertThat(parts[1].size()).isEqualTo(count);
        for (int c : perClass) {
            assertThat(c).isBetween(count / 5, count / 5 + 1);
        }
    }

    @Test
    void holdoutOfRegressionDataIsPlainRandom() {
        Dataset regression = new Dataset("reg", new float[] {0, 1, 2, 3, 4, 5}, new float[] {0, 1, 2, 3, 4, 5}, 6, 1, 1, 0, 1);
        Dataset[] parts = Splits.holdout(regression, 2, 3);
        assertThat(parts[1].size()).isEqualTo(2);
        assertThat(ids(parts[0])).doesNotContainAnyElementsOf(ids(parts[1]));
    }

    @Test
    void holdoutRejectsCountsThatLeaveNoTrainingData() {
        Dataset data = traced(100, 10);
        assertThatThrownBy(() -> Splits.holdout(data, 100, 1)).isInstanceOf(GradlabException.class)
                .hasMessageContaining("cannot hold out 100 validation samples from traced (100 samples")
                .hasMessageContaining("smaller than 100");
        assertThatThrownBy(() -> Splits.holdout(data, -1, 1)).isInstanceOf(GradlabException.class).hasMessageContaining("at least 0");
    }

    @Test
    void limitKeepsTheFirstSamples() {
        Dataset data = traced(100, 10);
        Dataset limited = Splits.limit(data, 30);
        assertThat(limited.size()).isEqualTo(30);
        assertThat(limited.features()[29]).isEqualTo(29f);
        assertThat(Splits.limit(data, 100)).isSameAs(data);
        assertThatThrownBy(() -> Splits.limit(data, -5)).isInstanceOf(GradlabException.class);
    }
}
