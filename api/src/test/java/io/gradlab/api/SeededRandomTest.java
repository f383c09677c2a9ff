package io.gradlab.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.gradlab.api.tensor.SeededRandom;
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

    @Test
    void sameSeedSameNumbersOfEveryDistribution() {
        SeededRandom a = new SeededRandom(5);
        SeededRandom b = new SeededRandom(5);
        for (int i = 0; i < 100; i++) {
            assertThat(a.nextDouble()).isEqualTo(b.nextDouble());
            assertThat(a.nextInt(7)).isEqualTo(b.nextInt(7));
        }
    }

    @Test
    void forkSeedsDependOnSeedAndNameOnly() {
        SeededRandom a = new SeededRandom(5);
        SeededRandom b = new SeededRandom(5);
        b.nextDouble();

        assertThat(a.fork("layer1").seed()).isEqualTo(b.fork("layer1").seed());
        assertThat(a.fork("layer1").seed()).isNotEqualTo(a.fork("layer2").seed());
        assertThat(a.fork("layer1").seed()).isNotEqualTo(new SeededRandom(6).fork("layer1").seed());
    }

    @Test
    void gaussiansLookStandardNormal() {
        SeededRandom r = new SeededRandom(1);
        double sum = 0;
        double sq = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            double v = r.nextGaussian();
            sum += v;
            sq += v * v;
        }
        assertThat(sum / n).isBetween(-0.05, 0.05);
        assertThat(sq / n).isBetween(0.95, 1.05);
    }
}
