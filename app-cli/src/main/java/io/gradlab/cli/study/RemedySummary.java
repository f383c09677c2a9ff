package io.gradlab.cli.study;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One remedy over its seeds: the mean and sample standard deviation of the final test accuracy, the
 * mean epochs to 50 % over the runs that got there, and the geometric mean of the gradient ratios.
 */
record RemedySummary(Study.Remedy remedy, int runs, int completed, double accuracyMean, double accuracyStd, int reached50,
                     double epochsTo50Mean, double ratioFirst, double ratioLast, String status) {

    static RemedySummary of(Study.Remedy remedy, List<Outcome> outcomes) {
        int runs = outcomes.size();
        int completed = (int) outcomes.stream().filter(o -> o.status().equals("completed")).count();
        double[] acc = outcomes.stream().mapToDouble(Outcome::finalAccuracy).filter(Double::isFinite).toArray();
        double mean = mean(acc);
        double std = Double.NaN;
        if (acc.length > 1) {
            double ss = 0;
            for (double a : acc) {
                ss += (a - mean) * (a - mean);
            }
            std = Math.sqrt(ss / (acc.length - 1));
        }
        int[] reached = outcomes.stream().mapToInt(Outcome::epochsTo50).filter(e -> e > 0).toArray();
        double epochs = reached.length == 0 ? Double.NaN : java.util.Arrays.stream(reached).average().orElse(Double.NaN);
        String status = completed == runs ? "completed"
                : outcomes.stream().map(Outcome::status).distinct().collect(Collectors.joining("/"));
        return new RemedySummary(remedy, runs, completed, mean, std, reached.length, epochs,
                geometricMean(outcomes.stream().mapToDouble(Outcome::ratioFirst).toArray()),
                geometricMean(outcomes.stream().mapToDouble(Outcome::ratioLast).toArray()), status);
    }

    private static double mean(double[] v) {
        return v.length == 0 ? Double.NaN : java.util.Arrays.stream(v).average().orElse(Double.NaN);
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
