package io.gradlab.testkit;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentKind;
import io.gradlab.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares analytic gradients with finite differences, element by element, and collects the
 * points of a {@link GradCheckReport}. No JUnit: the CLI uses it too.
 *
 * <p>For a function {@code y = F(t)} of a tensor {@code t} and fixed weights {@code R}, the probe
 * loss is {@code L = sum_k R_k y_k}; the analytic gradient {@code dL/dt} is given, and the numerical
 * one is {@code sum_k R_k (y_k(t + h e_j) - y_k(t - h e_j)) / Δ}, differencing each output before
 * weighting (so outputs that do not depend on {@code t_j} contribute exactly zero) and using the
 * step {@code Δ} actually realised in floating point.
 */
final class Comparison {
    /** The safety factor on the rounding-noise estimate. */
    static final double NOISE_FACTOR = 32.0;
    private static final double EPS = Math.ulp(1.0);

    /** The outputs of the function under test at the current value of the perturbed tensor (a fresh copy). */
    interface Outputs {
        double[] eval();
    }

    private final double step;
    private final double threshold;
    private int checks;
    private double maxError;
    private GradCheckReport.Point worst;
    private final List<GradCheckReport.Point> failures = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    Comparison(double step, double threshold) {
        this.step = step;
        this.threshold = threshold;
    }

    void problem(String message) {
        problems.add(requireNonNull(message, "message is null"));
    }

    /**
     * Compares {@code analytic} (the gradient of {@code L} w.r.t. {@code t}) with finite differences at
     * the elements {@code indices} of {@code t}. Elements within 4 steps of one of {@code kinks} are
     * compared with one-sided differences instead.
     */
    void compare(String tensorName, Tensor t, double[] analytic, Outputs outputs, double[] weights, double[] kinks,
                 int[] indices, String note) {
        double[] y0 = outputs.eval();
        if (weights.length != y0.length) {
            throw new IllegalStateException(tensorName + ": " + weights.length + " weights for " + y0.length + " outputs");
        }
        for (int j : indices) {
            double x0 = t.get(j);
            double kink = nearestKink(x0, kinks);
            GradCheckReport.Point p = Double.isNaN(kink)
                    ? central(tensorName, t, j, x0, analytic[j], outputs, weights, y0, note)
                    : oneSided(tensorName, t, j, x0, analytic[j], outputs, weights, y0, note);
            t.set(j, x0);
            record(p);
        }
    }

    private GradCheckReport.Point central(String name, Tensor t, int j, double x0, double a, Outputs outputs,
                                         double[] w, double[] y0, String note) {
        t.set(j, x0 + step);
        double xp = t.get(j);
        double[] yp = outputs.eval();
        t.set(j, x0 - step);
        double xm = t.get(j);
        double[] ym = outputs.eval();
        t.set(j, x0 + probeStep(x0));
        double[] yProbe = outputs.eval();
        double delta = xp - xm;
        double sum = 0.0;
        double noise2 = 0.0;
        double noise2All = 0.0;
        for (int k = 0; k < y0.length; k++) {
            sum += w[k] * (yp[k] - ym[k]);
            double m = w[k] * Math.max(Math.abs(yp[k]), Math.abs(ym[k]));
            noise2All += m * m;
            if (changed(yp[k], y0[k]) || changed(ym[k], y0[k]) || changed(yProbe[k], y0[k])) {
                noise2 += m * m;
            }
        }
        double n = sum / delta;
        // no output visibly depends on the element: any dependence is hidden in the rounding of all of them
        double noise = NOISE_FACTOR * EPS * Math.sqrt(noise2 > 0 ? noise2 : noise2All) / Math.abs(delta);
        return new GradCheckReport.Point(name, j, position(t, j), x0, a, n, relativeError(a, n, noise), note);
    }

    private GradCheckReport.Point oneSided(String name, Tensor t, int j, double x0, double a, Outputs outputs,
                                          double[] w, double[] y0, String note) {
        double[][] ys = new double[5][];
        for (int i = -2; i <= 2; i++) {
            t.set(j, x0 + i * step);
            ys[i + 2] = i == 0 ? y0 : outputs.eval();
        }
        t.set(j, x0 + probeStep(x0));
        double[] yProbe = outputs.eval();
        double left = 0.0;
        double right = 0.0;
        double noise2 = 0.0;
        double noise2All = 0.0;
        for (int k = 0; k < y0.length; k++) {
            // differences first, so that an output independent of the element contributes exactly zero
            left += w[k] * (3 * (ys[2][k] - ys[1][k]) - (ys[1][k] - ys[0][k]));
            right += w[k] * (3 * (ys[3][k] - ys[2][k]) - (ys[4][k] - ys[3][k]));
            boolean changed = changed(yProbe[k], y0[k]);
            double m = 0.0;
            for (double[] y : ys) {
                changed |= changed(y[k], y0[k]);
                m = Math.max(m, Math.abs(y[k]));
            }
            noise2All += (w[k] * m) * (w[k] * m);
            if (changed) {
                noise2 += (w[k] * m) * (w[k] * m);
            }
        }
        left /= 2 * step;
        right /= 2 * step;
        double noise = 8 * NOISE_FACTOR * EPS * Math.sqrt(noise2 > 0 ? noise2 : noise2All) / (2 * step);
        double lo = Math.min(left, right);
        double hi = Math.max(left, right);
        double error;
        double n;
        if (a >= lo - noise && a <= hi + noise) {
            error = 0.0;
            n = Math.abs(a - left) <= Math.abs(a - right) ? left : right;
        } else {
            double el = relativeError(a, left, noise);
            double er = relativeError(a, right, noise);
            error = Math.min(el, er);
            n = el <= er ? left : right;
        }
        String kinkNote = "kink: one-sided derivatives left " + left + ", right " + right;
        return new GradCheckReport.Point(name, j, position(t, j), x0, a, n, error,
                note.isEmpty() ? kinkNote : note + "; " + kinkNote);
    }

    /**
     * The smallest difference the check can resolve at all: below it the central difference's own
     * truncation error (h^2 times the third derivative over 6, about 1e-12 for a step near 1e-6)
     * dominates, as at the zero derivative of x^3 at 0.
     */
    static final double TRUNCATION_FLOOR = 1e-10;

    /**
     * {@code |a - n| / max(|a| + |n|, max(noise, TRUNCATION_FLOOR) / threshold)}; non-finite values
     * count as infinitely wrong.
     */
    double relativeError(double a, double n, double noise) {
        if (!Double.isFinite(a) || !Double.isFinite(n)) {
            return Double.POSITIVE_INFINITY;
        }
        if (a == n) {
            return 0.0;
        }
        return Math.abs(a - n) / Math.max(Math.abs(a) + Math.abs(n), Math.max(noise, TRUNCATION_FLOOR) / threshold);
    }

    private double nearestKink(double x, double[] kinks) {
        if (kinks == null) {
            return Double.NaN;
        }
        for (double k : kinks) {
            if (Math.abs(x - k) <= 4 * step) {
                return k;
            }
        }
        return Double.NaN;
    }

    /** A larger step that reveals which outputs depend on the element even where the small step is lost in rounding. */
    private static double probeStep(double x0) {
        return 0.1 * Math.max(1.0, Math.abs(x0));
    }

    private static boolean changed(double a, double b) {
        return Double.doubleToLongBits(a) != Double.doubleToLongBits(b);
    }

    private static String position(Tensor t, int j) {
        if (t.rank() >= 2) {
            int cols = t.cols();
            return "[" + (j / cols) + ", " + (j % cols) + "]";
        }
        return "[" + j + "]";
    }

    private void record(GradCheckReport.Point p) {
        checks++;
        double e = Double.isNaN(p.relativeError()) ? Double.POSITIVE_INFINITY : p.relativeError();
        if (worst == null || e > maxError) {
            maxError = e;
            worst = p;
        }
        if (e > threshold) {
            failures.add(p);
            failures.sort((x, y) -> Double.compare(y.relativeError(), x.relativeError()));
            if (failures.size() > GradCheckReport.MAX_LISTED) {
                failures.remove(failures.size() - 1);
            }
        }
    }

    GradCheckReport report(ComponentKind<?> kind, String componentId) {
        List<String> all = new ArrayList<>(problems);
        if (checks == 0 && all.isEmpty()) {
            all.add("no gradient element was compared (the component has no input gradient and no parameters?)");
        }
        return new GradCheckReport(kind, componentId, threshold, checks, maxError, worst, failures, all);
    }
}
