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
