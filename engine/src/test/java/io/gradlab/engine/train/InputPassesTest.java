package io.gradlab.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.data.Dataset;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.SeededRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An unsupervised pass visits every training sample once, in batches of the run's size, in a seeded order. */
class InputPassesTest {
    private static Dataset data(int size, int width) {
        float[] features = new float[size * width];
        int[] labels = new int[size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < width; j++) {
                features[i * width + j] = i; // every feature of sample i is i
            }
            labels[i] = i % 3;
        }
        return Dataset.classification("numbers", features, labels, width, 3);
    }

    private static List<Integer> pass(InputPasses passes, Dataset d, long seed, List<Integer> batchSizes) {
        List<Integer> seen = new ArrayList<>();
        passes.run(d, new SeededRandom(seed).fork("shuffle-pretrain"), x -> {
            batchSizes.add(x.rows());
            assertThat(x.cols()).isEqualTo(d.width());
            for (int r = 0; r < x.rows(); r++) {
                seen.add((int) x.get(r, 0));
                assertThat(x.get(r, d.width() - 1)).isEqualTo(x.get(r, 0));
            }
        });
        return seen;
    }

    @Test
    void everySampleOnceInShuffledBatchesTheSameForTheSameSeed() {
        Dataset d = data(23, 4);
        InputPasses passes = new InputPasses(DType.F32, 10);
        List<Integer> sizes = new ArrayList<>();
        List<Integer> first = pass(passes, d, 7, sizes);
        assertThat(sizes).containsExactly(10, 10, 3);
        assertThat(first).hasSize(23).doesNotHaveDuplicates().allMatch(i -> i >= 0 && i < 23);
        assertThat(first).isNotEqualTo(first.stream().sorted().toList()); // shuffled
        assertThat(pass(passes, d, 7, new ArrayList<>())).isEqualTo(first);
        assertThat(pass(passes, d, 8, new ArrayList<>())).isNotEqualTo(first);
    }
}
