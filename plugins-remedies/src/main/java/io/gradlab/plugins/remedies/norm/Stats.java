package io.gradlab.plugins.remedies.norm;

import static io.gradlab.api.tensor.Expr.arg;
import static io.gradlab.api.tensor.Expr.scalar;

import io.gradlab.api.tensor.Elementwise;
import io.gradlab.api.tensor.Expr;

/**
 * The expressions the normalizers share, built once: the sums behind means and variances (per
 * column with {@code Ops.columnSums}, per row with {@code Ops.rowSums}, or whole with {@code Ops.sum}),
 * and the normalisation itself with the statistics broadcast.
 */
final class Stats {
    private Stats() {}

    /** {@code x}: its sums are the sums of the elements. */
    static final Expr X = arg(0);
    /** {@code a0 a1}, e.g. {@code Σ dy x̂}. */
    static final Expr PRODUCT = arg(0).mul(arg(1));
    /** {@code (x - centre)^2}, the centre (argument 1) broadcast: the sums of centred squares. */
    static final Expr CENTRED_SQUARE = arg(0).sub(arg(1)).square();
    /** {@code (x - s0)^2}. */
    static final Expr CENTRED_SQUARE_AT = arg(0).sub(scalar(0)).square();
    /** {@code a0 = a0 / s0}: a sum into a mean. */
    static final Elementwise DIVIDE = Elementwise.assign(0, arg(0).div(scalar(0)));
    /** {@code a0 = 1 / sqrt(a1 / s0 + s1)}: the inverse standard deviation from a sum of centred squares over {@code s0} elements, eps {@code s1}. */
    static final Elementwise INV_STD = Elementwise.assign(0, arg(1).div(scalar(0)).add(scalar(1)).sqrt().rdiv(1.0));

    /**
     * Normalisation: {@code a0 (x̂) = (a1 (x) - a2 (mean)) a3 (invstd)}, then {@code a4 (y) = x̂}; the
     * statistics are broadcast (rows for batch norm, columns for layer norm).
     */
    static final Elementwise NORMALIZE = Elementwise.assign(0, arg(1).sub(arg(2)).mul(arg(3))).then(4, arg(0));
    /** {@link #NORMALIZE} with {@code y = a5 (scale) x̂ + a6 (shift)}, both rows. */
    static final Elementwise NORMALIZE_AFFINE = Elementwise.assign(0, arg(1).sub(arg(2)).mul(arg(3)))
            .then(4, arg(5).mul(arg(0)).add(arg(6)));
}
