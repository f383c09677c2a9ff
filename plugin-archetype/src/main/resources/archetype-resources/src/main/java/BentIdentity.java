package ${package};

import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.api.tensor.Expr;

/**
 * The bent identity {@code f(x) = (sqrt(x² + 1) - 1) / 2 + x}: smooth, monotonic, unbounded on both
 * sides, with a derivative {@code x / (2 sqrt(x² + 1)) + 1} between 0.5 and 1.5, so it neither
 * saturates nor dies.
 *
 * <p>A stateless activation only writes its value and derivative as expressions; gradlab compiles
 * them into vectorized kernels split over its threads, in float32 and float64.
 */
public final class BentIdentity extends ElementwiseActivation {

    /** {@code sqrt(x² + 1) - 1} written as {@code x² / (sqrt(x² + 1) + 1)}: no cancellation near 0. */
    @Override
    protected Expr function(Expr x) {
        Expr x2 = x.square();
        return x2.div(x2.add(1).sqrt().add(1).mul(2)).add(x);
    }

    @Override
    protected Expr derivative(Expr x, Expr y) {
        return x.div(x.square().add(1).sqrt().mul(2)).add(1);
    }

    /** The supremum, approached as x grows: diagnostics compare derivatives against it. */
    @Override
    public double maxDerivative() {
        return 1.5;
    }
}
