package io.gradlab.plugins.recurrent;

import io.gradlab.api.data.DataSplits;
import io.gradlab.api.data.Dataset;
import io.gradlab.api.tensor.RandomSource;

/** Generated sequence tasks: seeded, nothing to download. */
public final class SequenceTasks {
    /** The MSE of always predicting the mean on the adding problem: the variance of a sum of two U(0,1), 2/12. */
    public static final double ADDING_BASELINE_MSE = 1.0 / 6.0;

    private SequenceTasks() {}

    /**
     * The adding problem (Hochreiter & Schmidhuber 1997; here in the form of Le et al. 2015): each of
     * {@code steps} steps has two features, a value from U(0, 1) and a marker; exactly two markers are
     * 1, one in the first half of the sequence and one in the second; the target is the sum of the
     * two marked values. Predicting the mean (1.0) scores an MSE of 1/6 (about 0.167).
     */
    public static DataSplits adding(int steps, int trainSize, int testSize, RandomSource random) {
        if (steps < 2) {
            throw new IllegalArgumentException("the adding problem needs at least 2 steps, got " + steps);
        }
        Dataset train = addingSet("adding-train", steps, trainSize, random.fork("train"));
        Dataset test = addingSet("adding-test", steps, testSize, random.fork("test"));
        return new DataSplits(train, test, "the adding problem, T=" + steps + ": " + trainSize + " training and " + testSize
                + " test sequences of 2 features per step (value, marker); target: the sum of the two marked values"
                + " (predicting the mean scores MSE 0.167)");
    }

    private static Dataset addingSet(String name, int steps, int size, RandomSource random) {
        int width = 2 * steps;
        float[] x = new float[size * width];
        float[] y = new float[size];
        int half = steps / 2;
        for (int s = 0; s < size; s++) {
            int base = s * width;
            for (int t = 0; t < steps; t++) {
                x[base + 2 * t] = (float) random.nextDouble();
            }
            int first = random.nextInt(half);
            int second = half + random.nextInt(steps - half);
            x[base + 2 * first + 1] = 1;
            x[base + 2 * second + 1] = 1;
            y[s] = x[base + 2 * first] + x[base + 2 * second];
        }
        return new Dataset(name, x, y, size, width, 1, 0, steps);
    }

    /**
     * The copy (memory) task in its classification form: each step has {@code symbols + 1} features.
     * The first {@code length} steps each show a random symbol (one-hot over the first {@code symbols}
     * features), the following steps are blank (all zero) and the last step raises the recall marker
     * (the last feature). The target class is the symbol shown at step 0, so the net must carry it over
     * {@code steps - 1} steps past {@code length - 1} distracting symbols; chance accuracy is
     * {@code 1/symbols}. (The full copy task outputs the whole sequence back; one recalled symbol is
     * what fits a single-target classification.)
     */
    public static DataSplits copy(int steps, int symbols, int length, int trainSize, int testSize, RandomSource random) {
        if (steps < 2 || symbols < 2 || length < 1 || length >= steps) {
            throw new IllegalArgumentException("the copy task needs steps >= 2, symbols >= 2 and 1 <= length < steps; got steps="
                    + steps + ", symbols=" + symbols + ", length=" + length);
        }
        Dataset train = copySet("copy-train", steps, symbols, length, trainSize, random.fork("train"));
        Dataset test = copySet("copy-test", steps, symbols, length, testSize, random.fork("test"));
        return new DataSplits(train, test, "the copy task, T=" + steps + ": recall the first of " + length + " symbols (of " + symbols
                + ") after " + (steps - 1) + " steps; " + trainSize + " training and " + testSize + " test sequences");
    }

    private static Dataset copySet(String name, int steps, int symbols, int length, int size, RandomSource random) {
        int f = symbols + 1;
        int width = steps * f;
        float[] x = new float[size * width];
        float[] y = new float[size];
        for (int s = 0; s < size; s++) {
            int base = s * width;
            for (int t = 0; t < length; t++) {
                int symbol = random.nextInt(symbols);
                x[base + t * f + symbol] = 1;
                if (t == 0) {
                    y[s] = symbol;
                }
            }
            x[base + (steps - 1) * f + symbols] = 1;
        }
        return new Dataset(name, x, y, size, width, 1, symbols, steps);
    }
}
