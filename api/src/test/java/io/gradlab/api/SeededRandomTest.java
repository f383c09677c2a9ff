package io.gradlab.api;

import io.gradlab.api.tensor.SeededRandom;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeededRandomTest {
    @Test
    void sameSeedSameNumbers() {
        SeededRandom a = new SeededRandom(42);
        SeededRandom b = new SeededRandom(42);
        for (int i = 0; i < 100; i++) {
            assertThat(a.nextGaussian()).isEqualTo(b.nextGaussian());
        }
    }

    @Test
    void forksDependOnlyOnSeedAndName() {
        SeededRandom a = new SeededRandom(42);
        a.nextDouble(); // drawing from the parent does not move its forks
        double fromA = a.fork("model").nextDouble();
        double fromB = new SeededRandom(42).fork("model").nextDouble();
        assertThat(fromA).isEqualTo(fromB);
        assertThat(new SeededRandom(42).fork("data").nextDouble()).isNotEqualTo(fromA);
        assertThat(new SeededRandom(43).fork("model").nextDouble()).isNotEqualTo(fromA);
    }

    @Test
    void shuffleIsAPermutation() {
        int[] order = new int[1000];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        new SeededRandom(1).shuffle(order);
        assertThat(order).containsExactlyInAnyOrder(java.util.stream.IntStream.range(0, 1000).toArray());
        assertThat(order).isNotEqualTo(java.util.stream.IntStream.range(0, 1000).toArray());
    }
}
