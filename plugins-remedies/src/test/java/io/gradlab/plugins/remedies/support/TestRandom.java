package io.gradlab.plugins.remedies.support;

import io.gradlab.api.tensor.RandomSource;
import java.util.SplittableRandom;

/** A seeded {@link RandomSource} for tests. */
public final class TestRandom implements RandomSource {
    private final long seed;
    private final SplittableRandom random;
    private double spare = Double.NaN;

    public TestRandom(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public double nextDouble() {
        return random.nextDouble();
    }

    @Override
    public double nextGaussian() {
        if (!Double.isNaN(spare)) {
            double s = spare;
            spare = Double.NaN;
            return s;
        }
        double u;
        double v;
        double q;
        do {
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
            q = u * u + v * v;
        } while (q >= 1 || q == 0);
        double f = Math.sqrt(-2 * Math.log(q) / q);
        spare = v * f;
        return u * f;
    }

    @Override
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    @Override
    public RandomSource fork(String name) {
        return new TestRandom(seed * 31 + name.hashCode());
    }
}
