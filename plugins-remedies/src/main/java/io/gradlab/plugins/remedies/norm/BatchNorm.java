package io.gradlab.plugins.remedies.norm;

import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch normalization over the batch, per feature, with PyTorch's {@code BatchNorm1d} semantics.
 *
 * <p>{@link Mode#TRAIN}: {@code y = scale * (x - mean_B) / sqrt(var_B + eps) + shift} with the batch
 * mean and the biased batch variance; the running statistics are updated as
 * {@code running = (1 - momentum) running + momentum * batch}, using the <em>unbiased</em> batch
 * variance for {@code running-var}. {@link Mode#EVAL}: the same with the running statistics.
 * The backward pass is the exact derivative of the mode of the last forward pass.
 *
 * <p>The running statistics are buffers, not {@link Parameter}s: optimizers never see them;
 * {@link #state()} exposes them (for checkpoints).
 */
public final class BatchNorm extends AbstractLayer {
    private final double eps;
    private final double momentum;
    private final boolean affine;
    private Parameter scale;
    private Parameter shift;
    private Tensor runningMean;
    private Tensor runningVar;
    private double[] mean;
    private double[] invStd;
    private double[] sumA;
    private double[] sumB;
    private final BufferCache normalized = new BufferCache();
    private Tensor xhat;
    private Mode lastMode;

    public BatchNorm(String name, double eps, double momentum, boolean affine) {
        super(name, "batch-norm");
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batch-norm '" + name + "': eps must be > 0 and momentum in [0, 1]");
        }
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        if (affine) {
            scale = new Parameter("scale", Parameter.Role.SCALE, Tensor.zeros(ctx.dtype(), inputWidth));
            scale.value().fill(1.0);
            shift = new Parameter("shift", Parameter.Role.SHIFT, Tensor.zeros(ctx.dtype(), inputWidth));
        }
        runningMean = Tensor.zeros(ctx.dtype(), inputWidth);
        runningVar = Tensor.zeros(ctx.dtype(), inputWidth);
        runningVar.fill(1.0);
        mean = new double[inputWidth];
        invStd = new double[inputWidth];
        sumA = new double[inputWidth];
        sumB = new double[inputWidth];
        return inputWidth;
    }

    /** The running mean and variance, for checkpoints and weight export (PyTorch's {@code running_mean}, {@code running_var}). */
    @Override
    public List<Tensor> buffers() {
        return runningMean == null ? List.of() : List.of(runningMean, runningVar);
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        int n = input.rows();
        int d = inputWidth;
        lastMode = mode;
        xhat = normalized.get(dtype, n, d);
        if (mode == Mode.TRAIN) {
            if (n < 2) {
                throw new GradlabException(GradlabException.Category.SPEC, "batch-norm '" + name()
                        + "' got a training batch of " + n + " sample: batch statistics need at least 2 (as in PyTorch);"
                        + " use a larger batch size, or layer-norm, which normalises each sample on its own");
            }
            Stats.columnMeans(input, mean);
            Stats.columnCentredSquares(input, mean, sumA);
            for (int c = 0; c < d; c++) {
                double biasedVar = sumA[c] / n;
                invStd[c] = 1.0 / Math.sqrt(biasedVar + eps);
                runningMean.set(c, (1 - momentum) * runningMean.get(c) + momentum * mean[c]);
                runningVar.set(c, (1 - momentum) * runningVar.get(c) + momentum * sumA[c] / (n - 1));
            }
        } else {
            for (int c = 0; c < d; c++) {
                mean[c] = runningMean.get(c);
                invStd[c] = 1.0 / Math.sqrt(runningVar.get(c) + eps);
            }
        }
        for (int r = 0; r < n; r++) {
            int row = r * d;
            for (int c = 0; c < d; c++) {
                double h = (input.get(row + c) - mean[c]) * invStd[c];
                xhat.set(row + c, h);
                output.set(row + c, affine ? scale.value().get(c) * h + shift.value().get(c) : h);
            }
        }
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        int n = input.rows();
        int d = inputWidth;
        if (lastMode == Mode.EVAL) {
            for (int r = 0; r < n; r++) {
                int row = r * d;
                for (int c = 0; c < d; c++) {
                    gradInput.set(row + c, gradOutput.get(row + c) * gamma(c) * invStd[c]);
                }
            }
            return;
        }
        // dx = invStd / n * (n * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat)), dxhat = dy * scale
        java.util.Arrays.fill(sumA, 0);
        java.util.Arrays.fill(sumB, 0);
        for (int r = 0; r < n; r++) {
            int row = r * d;
            for (int c = 0; c < d; c++) {
                double g = gradOutput.get(row + c);
                sumA[c] += g;
                sumB[c] += g * xhat.get(row + c);
            }
        }
        for (int r = 0; r < n; r++) {
            int row = r * d;
            for (int c = 0; c < d; c++) {
                double g = gradOutput.get(row + c);
                double v = gamma(c) * invStd[c] * (g - (sumA[c] + xhat.get(row + c) * sumB[c]) / n);
                gradInput.set(row + c, v);
            }
        }
    }

    @Override
    protected void accGradParameters(Tensor input, Tensor gradOutput) {
        if (!affine) {
            return;
        }
        int n = input.rows();
        int d = inputWidth;
        Tensor gs = scale.grad();
        Tensor gb = shift.grad();
        java.util.Arrays.fill(sumA, 0);
        java.util.Arrays.fill(sumB, 0);
        for (int r = 0; r < n; r++) {
            int row = r * d;
            for (int c = 0; c < d; c++) {
                double g = gradOutput.get(row + c);
                sumA[c] += g * xhat.get(row + c);
                sumB[c] += g;
            }
        }
        for (int c = 0; c < d; c++) {
            gs.set(c, gs.get(c) + sumA[c]);
            gb.set(c, gb.get(c) + sumB[c]);
        }
    }

    private double gamma(int c) {
        return affine ? scale.value().get(c) : 1.0;
    }

    @Override
    public List<Parameter> parameters() {
        return scale == null ? List.of() : List.of(scale, shift);
    }

    /**
     * The running statistics (buffers, not parameters), by name: {@code running-mean} and
     * {@code running-var}. The tensors are live: a checkpoint loader copies into them.
     */
    public Map<String, Tensor> state() {
        if (runningMean == null) {
            return Map.of();
        }
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("running-mean", runningMean);
        state.put("running-var", runningVar);
        return java.util.Collections.unmodifiableMap(state);
    }
}
