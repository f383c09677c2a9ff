package io.gradlab.plugins.activations;

import java.util.function.DoubleUnaryOperator;

/**
 * The error function and friends, which {@link Math} lacks. {@link #erf} and {@link #erfc} follow
 * W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969),
 * 631-638: near-minimax rational approximations on {@code |x| <= 0.46875}, {@code (0.46875, 4]} and
 * {@code (4, ∞)}, accurate to about one unit in the last place of a double, with {@code erfc}
 * computed directly (not as {@code 1 - erf}) so that it keeps its relative accuracy in the tail.
 */
final class SpecialFunctions {
    /** {@code 1 / sqrt(2)}. */
    static final double INV_SQRT2 = 0.7071067811865476;
    /** {@code 1 / sqrt(2 π)}. */
    static final double INV_SQRT_2PI = 0.3989422804014327;
    /** {@code sqrt(2 / π)}. */
    static final double SQRT_2_OVER_PI = 0.7978845608028654;

    private static final double THRESHOLD = 0.46875;
    private static final double ERFC_UNDERFLOW = 26.543;
    private static final double INV_SQRT_PI = 0.5641895835477563;

    private static final double[] A = {3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
        3.20937758913846947e03, 1.85777706184603153e-1};
    private static final double[] B = {2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
        2.84423683343917062e03};
    private static final double[] C = {5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
        2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03,
        1.23033935479799725e03, 2.15311535474403846e-8};
    private static final double[] D = {1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
        1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03,
        1.23033935480374942e03};
    private static final double[] P = {3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
        1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2};
    private static final double[] Q = {2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
        6.05183413124413191e-2, 2.33520497626869185e-3};

    private SpecialFunctions() {}

    /** The error function {@code 2/sqrt(π) ∫_0^x exp(-t²) dt}. */
    static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double y = Math.abs(x);
        if (y <= THRESHOLD) {
            return x * smallRatio(y);
        }
        double r = 0.5 - erfcPositive(y) + 0.5;
        return x < 0 ? -r : r;
    }

    /** The complementary error function {@code 1 - erf(x)}, accurate in relative terms for large x. */
    static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double y = Math.abs(x);
        if (y <= THRESHOLD) {
            return 1.0 - x * smallRatio(y);
        }
        double r = erfcPositive(y);
        return x < 0 ? 2.0 - r : r;
    }

    /** The standard normal distribution function {@code Φ(x) = erfc(-x / sqrt 2) / 2}. */
    static double normalCdf(double x) {
        return 0.5 * erfc(-x * INV_SQRT2);
    }

    /** The standard normal density {@code φ(x)}. */
    static double normalPdf(double x) {
        return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    /** The logistic function {@code 1 / (1 + e^-z)}, without overflow for any z. */
    static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    /** {@code log(1 + e^z)} without overflow: {@code max(z, 0) + log1p(e^-|z|)}. */
    static double softplus(double z) {
        return Math.max(z, 0.0) + Math.log1p(Math.exp(-Math.abs(z)));
    }

    /** {@code erf(y) / y} for {@code 0 <= y <= 0.46875}. */
    private static double smallRatio(double y) {
        double ysq = y > 1.11e-16 ? y * y : 0.0;
        double num = A[4] * ysq;
        double den = ysq;
        for (int i = 0; i < 3; i++) {
            num = (num + A[i]) * ysq;
            den = (den + B[i]) * ysq;
        }
        return (num + A[3]) / (den + B[3]);
    }

    /** {@code erfc(y)} for {@code y > 0.46875}. */
    private static double erfcPositive(double y) {
        double r;
        if (y <= 4.0) {
            double num = C[8] * y;
            double den = y;
            for (int i = 0; i < 7; i++) {
                num = (num + C[i]) * y;
                den = (den + D[i]) * y;
            }
            r = (num + C[7]) / (den + D[7]);
        } else {
            if (y >= ERFC_UNDERFLOW) {
                return 0.0;
            }
            double ysq = 1.0 / (y * y);
            double num = P[5] * ysq;
            double den = ysq;
            for (int i = 0; i < 4; i++) {
                num = (num + P[i]) * ysq;
                den = (den + Q[i]) * ysq;
            }
            r = ysq * (num + P[4]) / (den + Q[4]);
            r = (INV_SQRT_PI - r) / y;
        }
        // exp(-y²) as exp(-s²) exp(-(y-s)(y+s)) with s = y rounded down to 1/16: keeps y² exact enough
        double s = Math.floor(y * 16.0) / 16.0;
        double del = (y - s) * (y + s);
        return Math.exp(-s * s) * Math.exp(-del) * r;
    }

    /**
     * The maximum of a function that is unimodal on {@code [lo, hi]}, by golden-section search to
     * double precision in the argument.
     */
    static double maximum(DoubleUnaryOperator f, double lo, double hi) {
        double invPhi = (Math.sqrt(5.0) - 1.0) / 2.0;
        double a = lo;
        double b = hi;
        double c = b - invPhi * (b - a);
        double d = a + invPhi * (b - a);
        double fc = f.applyAsDouble(c);
        double fd = f.applyAsDouble(d);
        for (int i = 0; i < 200 && b - a > 1e-15 * Math.max(1.0, Math.abs(a)); i++) {
            if (fc > fd) {
                b = d;
                d = c;
                fd = fc;
                c = b - invPhi * (b - a);
                fc = f.applyAsDouble(c);
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + invPhi * (b - a);
                fd = f.applyAsDouble(d);
            }
        }
        return Math.max(Math.max(fc, fd), Math.max(f.applyAsDouble(a), f.applyAsDouble(b)));
    }
}
