package io.gradlab.engine.builtin;

import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.ElementwiseActivation;
import io.gradlab.engine.kernel.BlasOps;
import io.gradlab.engine.kernel.FloatKernels;

/** The logistic function {@code 1 / (1 + e^-x)}; its derivative {@code y (1 - y)} is at most 0.25. */
public final class Sigmoid extends ElementwiseActivation {
    private final FloatKernels kernels = FloatKernels.get();
    private final Forward forwardTask = new Forward();
    private final Backward backwardTask = new Backward();
    private BlasOps parallel;

    /** Large batches are split over the kernel threads of the engine's {@link BlasOps}. */
    @Override
    public void bind(int units, BuildContext ctx) {
        parallel = ctx.ops() instanceof BlasOps b && b.threads() > 1 ? b : null;
    }

    @Override
    public double value(double x) {
        // the two branches keep exp() from overflowing: sigmoid(-1000) = 0, sigmoid(1000) = 1
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    @Override
    public double derivative(double x, double y) {
        return y * (1.0 - y);
    }

    /**
     * The count of {@link ElementwiseActivation#countSmallDerivatives}, exactly, without a derivative
     * per element. {@code y (1 - y)} in double rises on {@code [0, 0.5]} and falls on {@code [0.5, 1]}
     * (for float {@code y} it is exact there, but for the smallest {@code y}, where it is still
     * non-decreasing), so the outputs with a derivative below the limit are two bands,
     * {@code [0, low]} and {@code [high, 1]}, found once per limit by bisecting the floats with the
     * definition itself. A vector compare then counts them. An output outside {@code [0, 1]} (which
     * a sigmoid never gives; NaN) is counted by the definition.
     */
    @Override
    public void countSmallDerivatives(float[] x, float[] y, int rows, int units, double limit, long[] counts) {
        if (!(limit > 0)) {
            return;
        }
        Bands b = bands;
        if (b == null || b.limit != limit) {
            b = new Bands(limit, lowBand(limit), highBand(limit));
            bands = b; // immutable, so a layer counting beside another may read it while it is replaced
        }
        if (kernels.countInBands(y, rows, units, b.low, b.high, counts)) {
            for (int r = 0; r < rows; r++) {
                int base = r * units;
                for (int u = 0; u < units; u++) {
                    float v = y[base + u];
                    if (!(v >= 0f && v <= 1f) && Math.abs(derivative(x[base + u], v)) < limit) {
                        counts[u]++;
                    }
                }
            }
        }
    }

    private record Bands(double limit, float low, float high) {}

    private volatile Bands bands;

    private boolean small(float y, double limit) {
        return Math.abs(derivative(y, y)) < limit;
    }

    /** The largest float in {@code [0, 0.5]} whose derivative is below {@code limit}, or -1 if there is none. */
    private float lowBand(double limit) {
        if (!small(0f, limit)) {
            return -1f;
        }
        if (small(0.5f, limit)) {
            return 0.5f;
        }
        // the positive floats order like their bits; the first one not below is just past the band
        int past = firstWhere(0, Float.floatToRawIntBits(0.5f), bits -> !small(Float.intBitsToFloat(bits), limit));
        return Float.intBitsToFloat(past - 1);
    }

    /** The smallest float in {@code [0.5, 1]} whose derivative is below {@code limit}, or 2 if there is none. */
    private float highBand(double limit) {
        if (!small(1f, limit)) {
            return 2f;
        }
        return Float.intBitsToFloat(firstWhere(Float.floatToRawIntBits(0.5f), Float.floatToRawIntBits(1f),
                bits -> small(Float.intBitsToFloat(bits), limit)));
    }

    /** The smallest {@code k} in {@code [lo, hi]} with {@code p(k)}, for a {@code p} false up to some point and true from there, true at {@code hi}. */
    private static int firstWhere(int lo, int hi, java.util.function.IntPredicate p) {
        if (p.test(lo)) {
            return lo;
        }
        while (hi - lo > 1) { // !p(lo), p(hi)
            int mid = (lo + hi) >>> 1;
            if (p.test(mid)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    @Override
    protected void forward(float[] x, float[] y, int n) {
        // vectorized when the JVM has the Vector API; elementwise, so the split does not change a bit
        if (parallel != null && n >= BlasOps.PARALLEL_MIN_ELEMENTS) {
            forwardTask.x = x;
            forwardTask.y = y;
            parallel.parallelRange(n, forwardTask);
            forwardTask.x = null;
            forwardTask.y = null;
        } else {
            kernels.sigmoid(x, y, 0, n);
        }
    }

    @Override
    protected void backward(float[] x, float[] y, float[] gradY, float[] gradX, int n) {
        if (parallel != null && n >= BlasOps.PARALLEL_MIN_ELEMENTS) {
            backwardTask.y = y;
            backwardTask.gy = gradY;
            backwardTask.gx = gradX;
            parallel.parallelRange(n, backwardTask);
            backwardTask.y = null;
            backwardTask.gy = null;
            backwardTask.gx = null;
        } else {
            kernels.sigmoidBackward(y, gradY, gradX, 0, n);
        }
    }

    @Override
    public Family family() {
        return Family.SATURATING;
    }

    @Override
    public double maxDerivative() {
        return 0.25;
    }

    private final class Forward implements BlasOps.RangeTask {
        private float[] x;
        private float[] y;

        @Override
        public void run(int from, int to) {
            kernels.sigmoid(x, y, from, to);
        }
    }

    private final class Backward implements BlasOps.RangeTask {
        private float[] y;
        private float[] gy;
        private float[] gx;

        @Override
        public void run(int from, int to) {
            kernels.sigmoidBackward(y, gy, gx, from, to);
        }
    }
}
