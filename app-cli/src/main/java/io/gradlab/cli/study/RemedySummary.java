package io.gradlab.cli.study;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One remedy over its seeds: the mean and sample standard deviation of the last epochs' mean test
 * accuracy ({@link Outcome#lastAccuracy}) and of the final test accuracy, the mean epochs to 50 % over
 * the runs that got there, and the geometric mean of the gradient ratios.
 */
record RemedySummary(Study.Remedy remedy, int runs, int completed, double lastMean, double lastStd, double accuracyMean, double accuracyStd,
                     int reached50, double epochsTo50Mean, double ratioFirst, double ratioLast, String status) {

    static RemedySummary of(Study.Remedy remedy, List<Outcome> outcomes) {
        int runs = outcomes.size();
        int completed = (int) outcomes.stream().filter(o -> o.status().equals("completed")).count();
        double[] acc = outcomes.stream().mapToDouble(Outcome::finalAccuracy).filter(Double::isFinite).toArray();
        double[] last = outcomes.stream().mapToDouble(Outcome::lastAccuracy).filter(Double::isFinite).toArray();
        int[] reached = outcomes.stream().mapToInt(Outcome::epochsTo50).filter(e -> e > 0).toArray();
        double epochs = reached.length == 0 ? Double.NaN : Arrays.stream(reached).average().orElse(Double.NaN);
        String status = completed == runs ? "completed"
                : outcomes.stream().map(Outcome::status).distinct().collect(Collectors.joining("/"));
        return new RemedySummary(remedy, runs, completed, mean(last), sd(last), mean(acc), sd(acc), reached.length, epochs,
                geometricMean(outcomes.stream().mapToDouble(Outcome::ratioFirst).toArray()),
                geometricMean(outcomes.stream().mapToDouble(Outcome::ratioLast).toArray()), status);
    }

    private static double mean(double[] v) {
        return v.length == 0 ? Double.NaN : Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** The sample standard deviation, {@code NaN} for fewer than two values. */
    private static double sd(double[] v) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double mean = mean(v);
        double ss = 0;
        for (double a : v) {
            ss += (a - mean) * (a - mean);
        }
        return Math.sqrt(ss / (v.length - 1));
    }

    /** The geometric mean of the finite positive values (ratios spread over decades), {@code NaN} when there are none. */
    static double geometricMean(double[] v) {
        double logs = 0;
        int n = 0;
        for (double x : v) {
            if (Double.isFinite(x) && x > 0) {
                logs += Math.log(x);
                n++;
            }
        }
        return n == 0 ? Double.NaN : Math.exp(logs / n);
    }
}
