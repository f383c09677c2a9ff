package io.gradlab.testkit;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.ComponentKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result of a {@link GradientCheck}: how many gradient elements were compared, the largest
 * relative error and where it occurred, the elements above the threshold (at most
 * {@link #MAX_LISTED} are kept) and any other problem found (non-finite values in the tails,
 * a component that failed to run).
 *
 * <p>The relative error of one element with analytic value {@code a} and numerical value {@code n}
 * is {@code |a - n| / max(|a| + |n|, noise / threshold)}, where {@code noise} is an estimate of the
 * floating-point rounding noise of the finite difference itself (see {@link GradientCheck}). It is
 * the usual symmetric relative error; the floor only matters for gradients so small that the
 * difference quotient cannot resolve them, which then pass exactly when {@code |a - n| <= noise}.
 *
 * @param kind             the kind of component checked
 * @param componentId      the id of the component checked
 * @param threshold        the largest relative error that passes
 * @param checks           the number of gradient elements compared
 * @param maxRelativeError the largest relative error seen (0 when nothing was compared)
 * @param worst            the element with the largest relative error, or {@code null} when nothing was compared
 * @param failures         the elements whose relative error is above the threshold (the worst {@link #MAX_LISTED})
 * @param problems         other problems, one message each
 */
public record GradCheckReport(
        ComponentKind<?> kind,
        String componentId,
        double threshold,
        int checks,
        double maxRelativeError,
        Point worst,
        List<Point> failures,
        List<String> problems) {

    /** How many failing points a report keeps. */
    public static final int MAX_LISTED = 10;

    /**
     * One compared gradient element.
     *
     * @param tensor        what was perturbed: {@code input}, {@code output} (a loss) or {@code parameter 'weight'}
     * @param index         the flat index of the element in that tensor
     * @param position      the index as {@code [row, col]} for matrices
     * @param inputValue    the value of the perturbed element
     * @param analytic      the gradient the component computed
     * @param numerical     the central difference (at a kink: the closer one-sided difference)
     * @param relativeError the relative error defined in {@link GradCheckReport}
     * @param note          where the point came from ({@code random point, mode TRAIN}; kinks add the one-sided values)
     */
    public record Point(
            String tensor, int index, String position, double inputValue, double analytic, double numerical,
            double relativeError, String note) {
        public Point {
            requireNonNull(tensor, "tensor is null");
            requireNonNull(position, "position is null");
            requireNonNull(note, "note is null");
        }

        /** One line: {@code input[2, 3] at x = 0.5: analytic 1.0, numerical 0.9, relative error 5.3e-02 (random point)}. */
        public String describe() {
            return tensor + position + " at x = " + num(inputValue) + ": analytic " + num(analytic) + ", numerical "
                    + num(numerical) + ", relative error " + err(relativeError) + (note.isEmpty() ? "" : " (" + note + ")");
        }
    }

    public GradCheckReport {
        requireNonNull(kind, "kind is null");
        requireNonNull(componentId, "componentId is null");
        failures = List.copyOf(requireNonNull(failures, "failures is null"));
        problems = List.copyOf(requireNonNull(problems, "problems is null"));
        if (!(threshold > 0)) {
            throw new IllegalArgumentException("threshold must be positive, got " + threshold);
        }
        if (checks < 0) {
            throw new IllegalArgumentException("checks must not be negative, got " + checks);
        }
    }

    /** Whether every compared element is within the threshold and no other problem was found. */
    public boolean passed() {
        return problems.isEmpty() && checks > 0 && maxRelativeError <= threshold;
    }

    /** This report and {@code other} (the same component, e.g. another parameter setting) as one. */
    public GradCheckReport merge(GradCheckReport other) {
        requireNonNull(other, "other is null");
        List<Point> all = new ArrayList<>(failures);
        all.addAll(other.failures);
        all.sort((p, q) -> Double.compare(q.relativeError(), p.relativeError()));
        List<String> allProblems = new ArrayList<>(problems);
        allProblems.addAll(other.problems);
        Point w = worst == null || (other.worst != null && !(worst.relativeError() >= other.worst.relativeError()))
                ? other.worst : worst;
        return new GradCheckReport(kind, componentId, Math.min(threshold, other.threshold), checks + other.checks,
                Math.max(maxRelativeError, other.maxRelativeError), w,
                all.subList(0, Math.min(MAX_LISTED, all.size())), allProblems);
    }

    /** A few lines for people: verdict, worst point, failing points and problems. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("gradient check of ").append(kind.label()).append(" '").append(componentId).append("': ")
                .append(passed() ? "PASSED" : "FAILED")
                .append(" (max relative error ").append(err(maxRelativeError))
                .append(maxRelativeError <= threshold ? " <= " : " > ").append("threshold ").append(err(threshold))
                .append(", ").append(checks).append(checks == 1 ? " element" : " elements").append(" checked)");
        if (worst != null) {
            sb.append("\n  worst: ").append(worst.describe());
        }
        for (Point p : failures) {
            if (p != worst) {
                sb.append("\n  also above threshold: ").append(p.describe());
            }
        }
        for (String problem : problems) {
            sb.append("\n  problem: ").append(problem);
        }
        return sb.toString();
    }

    /** Throws an {@link AssertionError} naming the component, the worst point and the problems unless {@link #passed()}. */
    public void assertPasses() {
        if (passed()) {
            return;
        }
        StringBuilder sb = new StringBuilder("gradient check failed for ").append(kind.label()).append(" '")
                .append(componentId).append("'");
        if (worst != null && maxRelativeError > threshold) {
            sb.append(": worst point ").append(worst.tensor()).append(worst.position())
                    .append(" at x = ").append(num(worst.inputValue()))
                    .append(": analytic ").append(num(worst.analytic()))
                    .append(", numerical ").append(num(worst.numerical()))
                    .append(", relative error ").append(err(worst.relativeError()))
                    .append(" > threshold ").append(err(threshold));
        } else if (!problems.isEmpty()) {
            sb.append(": ").append(problems.get(0));
        } else if (checks == 0) {
            sb.append(": no gradient element was compared");
        }
        throw new AssertionError(sb.append('\n').append(describe()).toString());
    }

    static String num(double v) {
        return Double.toString(v);
    }

    static String err(double v) {
        return String.format(Locale.ROOT, "%.3e", v);
    }
}
