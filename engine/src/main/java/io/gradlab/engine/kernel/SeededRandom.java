package io.gradlab.engine.kernel;

import io.gradlab.api.tensor.RandomSource;
import java.util.SplittableRandom;

/**
 * The engine's {@link RandomSource}: a {@link SplittableRandom} whose forks are derived from the
 * seed and a name only, so the numbers one component draws never depend on what others drew.
 */
public final class SeededRandom implements RandomSource {
    private final long seed;
    private final SplittableRandom random;

    public SeededRandom(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    public long seed() {
        return seed;
    }

    @Override
    public double nextDouble() {
        return random.nextDouble();
    }

    @Override
    public double nextGaussian() {
        return random.nextGaussian();
    }

    @Override
    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    @Override
    public SeededRandom fork(String name) {
        return new SeededRandom(mix(seed * 0x9E3779B97F4A7C15L + stableHash(name)));
    }

    /** A hash of {@code name} that is the same on every JVM (64-bit FNV-1a over UTF-16 units). */
    static long stableHash(String name) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < name.length(); i++) {
            h ^= name.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** The SplitMix64 finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** Shuffles {@code order} in place (Fisher-Yates). */
    public void shuffle(int[] order) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
