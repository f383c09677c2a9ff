package io.gradlab.api.tensor;

/**
 * A seeded random stream. The engine gives each consumer its own stream derived from the run seed
 * and a name, so that adding a component does not shift the numbers another component draws.
 */
public interface RandomSource {
    /** Uniform in {@code [0, 1)}. */
    double nextDouble();

    /** Standard normal. */
    double nextGaussian();

    /** Uniform in {@code [0, bound)}. */
    int nextInt(int bound);

    /** An independent stream, determined by this stream's seed and {@code name}. */
    RandomSource fork(String name);

    /** Uniform in {@code [a, b)}. */
    default double uniform(double a, double b) {
        return a + (b - a) * nextDouble();
    }

    /** Normal with the given mean and standard deviation. */
    default double normal(double mean, double std) {
        return mean + std * nextGaussian();
    }
}
