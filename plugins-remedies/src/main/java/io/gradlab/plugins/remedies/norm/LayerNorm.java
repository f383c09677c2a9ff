package io.gradlab.plugins.remedies.norm;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import java.util.List;

/**
 * Layer normalization (PyTorch's {@code LayerNorm} over the feature dimension): each sample is
 * normalised over its own features, {@code y = scale * (x - mean_row) / sqrt(var_row + eps) + shift},
 * with the biased variance; the same in both modes (no running statistics).
 */
public final class LayerNorm extends AbstractLayer {
    private final double eps;
    private final boolean affine;
    private Parameter scale;
    private Parameter shift;
    private final BufferCache normalized = new BufferCache();
    private final BufferCache rowStats = new BufferCache();
    private Tensor xhat;
    private Tensor invStd;

    public LayerNorm(String name, double eps, boolean affine) {
        super(name, "layer-norm");
        if (!(eps > 0)) {
            throw new IllegalArgumentException("layer-norm '" + name + "': eps must be > 0");
        }
        this.eps = eps;
        this.affine = affine;
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        if (affine) {
            scale = new Parameter("scale", Parameter.Role.SCALE, Tensor.zeros(ctx.dtype(), inputWidth));
            scale.value().fill(1.0);
            shift = new Parameter("shift", Parameter.Role.SHIFT, Tensor.zeros(ctx.dtype(), inputWidth));
        }
        return inputWidth;
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        int n = input.rows();
        int d = inputWidth;
        xhat = normalized.get(dtype, n, d);
        invStd = rowStats.get(DType.F64, n, 1);
        for (int r = 0; r < n; r++) {
            int row = r * d;
            double mean = 0;
            for (int c = 0; c < d; c++) {
                mean += input.get(row + c);
            }
            mean /= d;
            double var = 0;
            for (int c = 0; c < d; c++) {
                double v = input.get(row + c) - mean;
                var += v * v;
            }
            double is = 1.0 / Math.sqrt(var / d + eps);
            invStd.set(r, is);
            for (int c = 0; c < d; c++) {
                double h = (input.get(row + c) - mean) * is;
                xhat.set(row + c, h);
                output.set(row + c, affine ? scale.value().get(c) * h + shift.value().get(c) : h);
            }
        }
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        int n = input.rows();
        int d = inputWidth;
        for (int r = 0; r < n; r++) {
            int row = r * d;
            double sum = 0;
            double sumX = 0;
            for (int c = 0; c < d; c++) {
                double g = gradOutput.get(row + c) * gamma(c);
                sum += g;
                sumX += g * xhat.get(row + c);
            }
            double is = invStd.get(r);
            for (int c = 0; c < d; c++) {
                double g = gradOutput.get(row + c) * gamma(c);
                gradInput.set(row + c, is * (g - (sum + xhat.get(row + c) * sumX) / d));
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
        for (int r = 0; r < n; r++) {
            int row = r * d;
            for (int c = 0; c < d; c++) {
                double g = gradOutput.get(row + c);
                gs.set(c, gs.get(c) + g * xhat.get(row + c));
                gb.set(c, gb.get(c) + g);
            }
        }
    }

    private double gamma(int c) {
        return affine ? scale.value().get(c) : 1.0;
    }

    @Override
    public List<Parameter> parameters() {
        return scale == null ? List.of() : List.of(scale, shift);
    }
}
