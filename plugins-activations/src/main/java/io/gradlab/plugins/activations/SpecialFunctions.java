package io.gradlab.plugins.activations;

import io.gradlab.api.tensor.Expr;
import java.util.function.DoubleUnaryOperator;

/**
 * The normal distribution function and friends as {@link Expr expressions}, built only from
 * arithmetic, {@code exp} and {@code where}, so that the engine evaluates them with vector
 * instructions. {@link #normalCdf} follows W. J. Cody, "Rational Chebyshev approximations for the
 * error function", Math. Comp. 23 (1969), 631-638: near-minimax rational approximations of
 * {@code erf} on {@code |z| <= 0.46875} and of {@code erfc(z) e^(z²)} on {@code (0.46875, 4]} and
 * {@code (4, ∞)}, accurate to about one unit in the last place, with {@code erfc} computed directly
 * (not as {@code 1 - erf}) so that {@code Φ(x)} keeps its relative accuracy in the left tail.
 */
final class SpecialFunctions {
    /** {@code 1 / sqrt(2)}. */
    static final double INV_SQRT2 = 0.7071067811865476;
    /** {@code 1 / sqrt(2 π)}. */
    static final double INV_SQRT_2PI = 0.3989422804014327;
    /** {@code sqrt(2 / π)}. */
    static final double SQRT_2_OVER_PI = 0.7978845608028654;

    private static final double SMALL = 0.46875;
    private static final double MID = 4.0;
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

    /** {@code exp(-x² / 2)}, the unnormalized standard normal density (shared by Φ and φ in GELU's derivative). */
    static Expr gaussian(Expr x) {
        return x.square().mul(-0.5).exp();
    }

    /**
     * The standard normal distribution function {@code Φ(x)}, given {@code gauss = }{@link #gaussian}{@code (x)}:
     * {@code q = erfc(|x| / sqrt 2) / 2} is {@code Φ(-|x|)} to full relative accuracy, and
     * {@code Φ(x)} is {@code q} for negative {@code x}, {@code 1 - q} otherwise.
     */
    static Expr normalCdf(Expr x, Expr gauss) {
        Expr q = erfcOfAbs(x.abs().mul(INV_SQRT2), gauss).mul(0.5);
        return Expr.where(x.lt(0), q, q.rsub(1));
    }

    /** {@code erfc(z)} for {@code z >= 0}. */
    static Expr erfc(Expr z) {
        return erfcOfAbs(z, z.square().neg().exp());
    }

    /** {@code erfc(z)} for {@code z >= 0}, with {@code gauss = exp(-z²)}. */
    private static Expr erfcOfAbs(Expr z, Expr gauss) {
        // |z| <= 0.46875: 1 - erf(z), erf(z) = z A(z²) / B(z²)
        Expr zz = z.square();
        Expr small = z.mul(horner(zz, A[4], A[0], A[1], A[2], A[3]).div(monic(zz, B))).rsub(1);
        // (0.46875, 4]: exp(-z²) C(z) / D(z)
        Expr mid = gauss.mul(horner(z, C[8], C[0], C[1], C[2], C[3], C[4], C[5], C[6], C[7]).div(monic(z, D)));
        // above 4: exp(-z²) (1/sqrt(π) - w P(w) / Q(w)) / z with w = 1 / z²
        Expr w = zz.rdiv(1);
        Expr r = w.mul(horner(w, P[5], P[0], P[1], P[2], P[3], P[4])).div(monic(w, Q));
        Expr large = gauss.mul(r.rsub(INV_SQRT_PI).div(z));
        return Expr.where(z.le(SMALL), small, Expr.where(z.le(MID), mid, large));
    }

    /** {@code c[0] t^(n-1) + c[1] t^(n-2) + ... + c[n-1]} by Horner's rule. */
    private static Expr horner(Expr t, double... c) {
        Expr p = t.mul(c[0]);
        for (int i = 1; i < c.length - 1; i++) {
            p = p.add(c[i]).mul(t);
        }
        return p.add(c[c.length - 1]);
    }

    /** {@code t^n + d[0] t^(n-1) + ... + d[n-1]} by Horner's rule. */
    private static Expr monic(Expr t, double[] d) {
        Expr p = t;
        for (int i = 0; i < d.length - 1; i++) {
            p = p.add(d[i]).mul(t);
        }
        return p.add(d[d.length - 1]);
    }

    /**
     * {@code e^x - 1} for {@code x <= 0} without cancellation near 0, as {@code 2t / (1 - t)} with
     * {@code t = tanh(x / 2)} (an identity): as accurate as {@code expm1} and built from {@code tanh},
     * which the engine evaluates with vector instructions.
     */
    static Expr expm1NonPositive(Expr x) {
        Expr t = x.mul(0.5).tanh();
        return t.mul(2).div(t.rsub(1));
    }

    /** {@code log(1 + e^z)} without overflow: {@code max(z, 0) + log1p(e^-|z|)}. */
    static Expr softplus(Expr z) {
        return z.max(0).add(z.abs().neg().exp().log1p());
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
