package io.gradlab.plugins.remedies.norm;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.Tensor;

/**
 * The course's normalisation {@code y = (x - mean) / (std + eps)} without learnable parameters,
 * either over the whole {@code [batch, features]} tensor ({@code over: tensor}) or per feature over
 * the batch ({@code over: feature}); {@code std} is the unbiased (divide by {@code n - 1}) or the
 * biased standard deviation. It always uses the statistics of the batch at hand (there are no
 * running statistics), in both modes.
 *
 * <p>The backward pass is the exact derivative: with {@code s = std + eps} and {@code y} the output,
 * {@code dx_j = (g_j - mean(g)) / s - y_j * sum_i(g_i y_i) / ((n - u) std)}, {@code u = 1} when unbiased
 * ({@code std = 0} drops the second term).
 */
public final class CustomNorm extends AbstractLayer {
    /** Which elements share one mean and standard deviation. */
    public enum Over {
        TENSOR,
        FEATURE
    }

    private final Over over;
    private final double eps;
    private final boolean unbiased;
    private double[] mean;
    private double[] std;
    private double[] sumG;
    private double[] sumGy;
    private double[] denom;

    public CustomNorm(String name, Over over, double eps, boolean unbiased) {
        super(name, "custom-norm");
        if (!(eps > 0)) {
            throw new IllegalArgumentException("custom-norm '" + name + "': eps must be > 0");
        }
        this.over = over;
        this.eps = eps;
        this.unbiased = unbiased;
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        int groups = over == Over.TENSOR ? 1 : inputWidth;
        mean = new double[groups];
        std = new double[groups];
        sumG = new double[groups];
        sumGy = new double[groups];
        denom = new double[groups];
        return inputWidth;
    }

    private int groupSize(Tensor t) {
        return over == Over.TENSOR ? t.size() : t.rows();
    }

    private double divisor(int n) {
        return unbiased ? n - 1 : n;
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        int n = groupSize(input);
        double div = divisor(n);
        if (over == Over.TENSOR) {
            mean[0] = Stats.mean(input);
            double ss = Stats.centredSquares(input, mean[0]);
            std[0] = div > 0 ? Math.sqrt(ss / div) : 0.0;
            double s = std[0] + eps;
            for (int i = 0; i < input.size(); i++) {
                output.set(i, (input.get(i) - mean[0]) / s);
            }
            return;
        }
        Stats.columnMeans(input, mean);
        Stats.columnCentredSquares(input, mean, std);
        int d = inputWidth;
        for (int c = 0; c < d; c++) {
            std[c] = div > 0 ? Math.sqrt(std[c] / div) : 0.0;
        }
        for (int r = 0; r < input.rows(); r++) {
            int row = r * d;
            for (int c = 0; c < d; c++) {
                output.set(row + c, (input.get(row + c) - mean[c]) / (std[c] + eps));
            }
        }
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        Tensor y = output();
        int n = groupSize(input);
        double div = divisor(n);
        int d = over == Over.TENSOR ? 1 : inputWidth;
        java.util.Arrays.fill(sumG, 0);
        java.util.Arrays.fill(sumGy, 0);
        int size = input.size();
        for (int i = 0; i < size; i++) {
            int g = over == Over.TENSOR ? 0 : i % d;
            double gi = gradOutput.get(i);
            sumG[g] += gi;
            sumGy[g] += gi * y.get(i);
        }
        for (int g = 0; g < d; g++) {
            double s = std[g] + eps;
            double meanG = sumG[g] / n;
            double k = std[g] > 0 && div > 0 ? sumGy[g] / (div * std[g]) : 0.0;
            sumG[g] = meanG;
            sumGy[g] = k;
            denom[g] = s;
        }
        for (int i = 0; i < size; i++) {
            int g = over == Over.TENSOR ? 0 : i % d;
            gradInput.set(i, (gradOutput.get(i) - sumG[g]) / denom[g] - y.get(i) * sumGy[g]);
        }
    }
}
