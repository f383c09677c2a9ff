package io.gradlab.engine.data;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabException.Category;
import io.gradlab.api.data.Dataset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Seeded, reproducible ways to cut a {@link Dataset}: hold-out splits and size limits. */
public final class Splits {
    private Splits() {}

    /**
     * Splits {@code data} into {@code {train, validation}} with {@code count} samples in the
     * validation set, chosen at random from {@code seed}. A classification dataset is split
     * stratified: each class gives its share of {@code count} (rounded by largest remainder), so
     * both parts keep the class proportions. Both parts keep the original sample order.
     *
     * @throws GradlabException (SPEC) when {@code count} is negative or not smaller than the dataset
     */
    public static Dataset[] holdout(Dataset data, int count, long seed) {
        requireNonNull(data, "data is null");
        if (count < 0 || count >= data.size()) {
            throw new GradlabException(Category.SPEC, "cannot hold out " + count + " validation samples from " + data
                    + ": the count must be at least 0 and smaller than " + data.size()
                    + " so that training data remains. Choose a smaller validation size (a tenth of the data is usual: "
                    + data.size() / 10 + ")");
        }
        Random random = new Random(seed);
        boolean[] held = new boolean[data.size()];
        if (data.classes() > 0) {
            holdStratified(data, count, random, held);
        } else {
            int[] order = shuffled(identity(data.size()), random);
            for (int i = 0; i < count; i++) {
                held[order[i]] = true;
            }
        }
        int[] trainIdx = new int[data.size() - count];
        int[] validIdx = new int[count];
        int t = 0;
        int v = 0;
        for (int i = 0; i < held.length; i++) {
            if (held[i]) {
                validIdx[v++] = i;
            } else {
                trainIdx[t++] = i;
            }
        }
        return new Dataset[] {data.subset(data.name() + "-train", trainIdx), data.subset(data.name() + "-validation", validIdx)};
    }

    /** The first {@code n} samples of {@code data}, or {@code data} itself when it has no more than {@code n}. */
    public static Dataset limit(Dataset data, int n) {
        requireNonNull(data, "data is null");
        if (n < 0) {
            throw new GradlabException(Category.SPEC, "cannot limit " + data + " to " + n + " samples: the limit must be at least 0");
        }
        if (n >= data.size()) {
            return data;
        }
        return data.subset(data.name(), identity(n));
    }

    private static void holdStratified(Dataset data, int count, Random random, boolean[] held) {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < data.classes(); c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < data.size(); i++) {
            int label = data.label(i);
            if (label < 0 || label >= data.classes()) {
                throw new GradlabException(Category.DATA, data + ": sample " + i + " has label " + label + ", outside 0.." + (data.classes() - 1));
            }
            byClass.get(label).add(i);
        }
        int classes = data.classes();
        int[] quota = new int[classes];
        long[] remainder = new long[classes];
        int given = 0;
        for (int c = 0; c < classes; c++) {
            long share = (long) count * byClass.get(c).size();
            quota[c] = (int) (share / data.size());
            remainder[c] = share % data.size();
            given += quota[c];
        }
        // largest remainder first, ties to the lower class index
        Integer[] order = new Integer[classes];
        for (int c = 0; c < classes; c++) {
            order[c] = c;
        }
        Arrays.sort(order, (a, b) -> remainder[a] != remainder[b] ? Long.compare(remainder[b], remainder[a]) : Integer.compare(a, b));
        for (int k = 0; given < count; k++) {
            int c = order[k % classes];
            if (quota[c] < byClass.get(c).size()) {
                quota[c]++;
                given++;
            }
        }
        for (int c = 0; c < classes; c++) {
            int[] members = byClass.get(c).stream().mapToInt(Integer::intValue).toArray();
            shuffled(members, random);
            for (int i = 0; i < quota[c]; i++) {
                held[members[i]] = true;
            }
        }
    }

    private static int[] identity(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    /** Fisher-Yates in place; returns {@code a}. */
    private static int[] shuffled(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
        return a;
    }
}
