package io.gradlab.testkit;

/**
 * The API's seeded random stream under the test kit's name, so that tests written against the kit
 * keep compiling; it draws exactly the numbers the engine draws for the same seed.
 */
public final class SeededRandom extends io.gradlab.api.tensor.SeededRandom {
    public SeededRandom(long seed) {
        super(seed);
    }

    @Override
    public SeededRandom fork(String name) {
        return new SeededRandom(super.fork(name).seed());
    }
}
