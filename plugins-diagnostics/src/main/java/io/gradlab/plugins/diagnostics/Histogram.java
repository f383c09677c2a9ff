package io.gradlab.plugins.diagnostics;

import io.gradlab.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A histogram with {@code counts.length} equal bins over {@code [lo, hi]}, written compactly as
 * {@code {"lo": .., "hi": .., "counts": [..]}}. The range is symmetric around zero
 * ({@code [-max|x|, max|x|]}) so that the bin edges of weights and gradients read naturally.
 */
record Histogram(double lo, double hi, long[] counts) {
    Histogram {
        if (!(lo <= hi) || counts.length == 0) {
            throw new IllegalArgumentException("bad histogram range [" + lo + ", " + hi + "] or no bins");
        }
        counts = counts.clone();
    }

    static Histogram of(Tensor t, int bins) {
        double m = 0;
        for (int i = 0; i < t.size(); i++) {
            double v = Math.abs(t.get(i));
            if (Double.isFinite(v)) {
                m = Math.max(m, v);
            }
        }
        if (m == 0) {
            m = 1e-12; // every value is zero: a narrow range keeps them in the middle bin
        }
        long[] counts = new long[bins];
        double width = 2 * m / bins;
        for (int i = 0; i < t.size(); i++) {
            double v = t.get(i);
            if (!Double.isFinite(v)) {
                continue;
            }
            int b = (int) ((v + m) / width);
            counts[Math.max(0, Math.min(bins - 1, b))]++;
        }
        return new Histogram(-m, m, counts);
    }

    long total() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lo", lo);
        out.put("hi", hi);
        List<Long> list = new ArrayList<>(counts.length);
        for (long c : counts) {
            list.add(c);
        }
        out.put("counts", List.copyOf(list));
        return out;
    }
}
