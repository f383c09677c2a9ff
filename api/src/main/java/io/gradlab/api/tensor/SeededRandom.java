package io.gradlab.api.tensor;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A {@link RandomSource} on {@link SplittableRandom}: the same seed gives the same numbers on every
 * JVM. {@link #fork(String)} derives the child's seed from this stream's <em>seed</em> and a hash
 * of the name only, so a fork does not depend on how many numbers were drawn before it, and
 * different names give independent streams. The engine and the plugin test kit both use it, so a
 * component sees the same numbers in its tests as in a run.
 */
public final class SeededRandom implements RandomSource {
    private final long seed;
    private final SplittableRandom random;

    public SeededRandom(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /** The seed this stream started from. */
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
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        return random.nextInt(bound);
    }

    @Override
    public SeededRandom fork(String name) {
        requireNonNull(name, "name is null");
        return new SeededRandom(mix(seed ^ mix(nameHash(name))));
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

    /** A 64-bit FNV-1a hash of the UTF-8 bytes of {@code name}. */
    static long nameHash(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** The MurmurHash3 finalizer: spreads every input bit over the whole word. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    @Override
    public String toString() {
        return "SeededRandom[seed=" + seed + "]";
    }
}
