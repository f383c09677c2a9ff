package io.gradlab.plugins.diagnostics;

import static io.gradlab.api.ParameterSpec.integer;
import static io.gradlab.api.ParameterSpec.real;

import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.AbstractLayer.BufferCache;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code precision}: per weighted layer, the fraction of weight-gradient elements that are exactly zero or
 * subnormal ({@code |g| < } the smallest normal number of the run's dtype: 1.18e-38 in float32, 2.23e-308 in
 * float64). A gradient that shrinks by orders of magnitude per layer (a deep sigmoid MLP) reaches that range
 * in float32 long before it does in float64: the elements lose precision (subnormals keep fewer significant
 * bits), then flush to zero, and the weights they belong to stop learning whatever the learning rate.
 *
 * <p>An element can also be zero for a structural reason: in a dense layer, a weight whose input feature is
 * zero in every sample of the batch (a blank border pixel) gets an exact 0 in any precision. Those elements
 * are counted out of {@code grad_underflow_fraction} (the zeros and subnormals that precision made), and kept
 * in {@code grad_zero_subnormal_fraction} (the plain count). Per layer it writes both, and
 * {@code grad_subnormal_fraction} (non-zero subnormals only), each the mean over the sampled steps of the
 * epoch; per epoch {@code grad_underflow_max} and its layer. A layer whose underflow fraction reaches
 * {@code warn} gives a finding.
 */
final class Precision implements Diagnostic {
    /** 1 where argument 0 is zero or subnormal: {@code |x| < scalar 0} (the smallest normal number). */
    private static final Expr ZERO_OR_SUBNORMAL = Expr.arg(0).abs().lt(Expr.scalar(0));
    /** 1 where argument 0 is a non-zero subnormal. */
    private static final Expr SUBNORMAL = Expr.arg(0).abs().lt(Expr.scalar(0)).mul(Expr.arg(0).abs().gt(0));
    /** 1 where argument 0 is exactly zero. */
    private static final Expr ZERO = Expr.arg(0).abs().le(0);
    private static final Expr ABS = Expr.arg(0).abs();

    private final Sampler sampler;
    private final double warn;
    private final BufferCache columns = new BufferCache();
    private final double[] tiny = new double[1];
    private final Tensor[] one = new Tensor[1];
    private final long[] counts = new long[3];
    private int epoch = Integer.MIN_VALUE;
    private double[] zeroOrSubnormal = new double[0];
    private double[] subnormal = new double[0];
    private double[] underflow = new double[0];
    private int samples;

    Precision(int every, double warn) {
        this.sampler = new Sampler(every);
        this.warn = warn;
    }

    static ComponentFactory<Diagnostic> factory() {
        return ComponentFactory.of(ComponentKind.DIAGNOSTIC, "precision",
                "fraction of weight-gradient elements per layer that are zero or subnormal in the run's dtype (underflow),"
                        + " zeros of all-zero input features counted out (grad_underflow_fraction)",
                List.of(integer("every", 10, "sample every N-th step of an epoch (and its first)").range(1, 1_000_000),
                        real("warn", 0.01, "underflow fraction of a layer that gives a finding").rangeExclusiveMin(0, 1)),
                p -> new Precision(p.getInt("every"), p.getDouble("warn")));
    }

    /** The smallest positive normal number of {@code dtype}: below it a value is subnormal. */
    static double smallestNormal(DType dtype) {
        return dtype == DType.F32 ? Float.MIN_NORMAL : Double.MIN_NORMAL;
    }

    /** The counts of one gradient: {zero or subnormal, non-zero subnormal, zero or subnormal that is not structural}. */
    static long[] count(Tensor grad, Tensor input, Ops ops, BufferCache columns) {
        long[] out = new long[3];
        count(grad, input, ops, columns, new double[1], new Tensor[1], out);
        return out;
    }

    /**
     * {@link #count(Tensor, Tensor, Ops, BufferCache)} into {@code out}, allocation-free: {@code tiny} and
     * {@code one} are scratch arrays of one element (the kernels' scalars and arguments).
     */
    private static void count(Tensor grad, Tensor input, Ops ops, BufferCache columns, double[] tiny, Tensor[] one, long[] out) {
        tiny[0] = smallestNormal(grad.dtype());
        one[0] = grad;
        long small = Math.round(ops.sum(ZERO_OR_SUBNORMAL, tiny, one));
        long sub = Math.round(ops.sum(SUBNORMAL, tiny, one));
        long structural = 0;
        if (input != null && grad.rank() == 2 && input.rank() == 2 && input.cols() == grad.cols() && input.dtype() == grad.dtype()) {
            // a dense weight [out, in] and its input [batch, in]: a feature that is 0 in the whole batch zeroes a column
            Tensor sums = columns.get(input.dtype(), 1, input.cols());
            one[0] = input;
            ops.columnSums(ABS, 0, sums, null, one);
            one[0] = sums;
            structural = Math.round(ops.sum(ZERO, null, one)) * grad.rows();
        }
        out[0] = small;
        out[1] = sub;
        out[2] = Math.max(0, small - structural);
        one[0] = null;
    }

    @Override
    public void afterBackward(ModelView model) {
        List<LayerView> weighted = model.weightedLayers();
        if (model.epoch() != epoch) {
            epoch = model.epoch();
            zeroOrSubnormal = new double[weighted.size()];
            subnormal = new double[weighted.size()];
            underflow = new double[weighted.size()];
            samples = 0;
        }
        if (!sampler.take(model) || weighted.size() != zeroOrSubnormal.length) {
            return;
        }
        for (int i = 0; i < weighted.size(); i++) {
            LayerView v = weighted.get(i);
            Tensor g = v.weight().grad();
            count(g, v.layer().lastInput(), model.ops(), columns, tiny, one, counts);
            zeroOrSubnormal[i] += (double) counts[0] / g.size();
            subnormal[i] += (double) counts[1] / g.size();
            underflow[i] += (double) counts[2] / g.size();
        }
        samples++;
    }

    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        if (samples == 0 || model.epoch() != epoch) {
            return;
        }
        List<LayerView> weighted = model.weightedLayers();
        double max = -1;
        String maxLayer = null;
        Map<String, Object> fractions = new LinkedHashMap<>();
        for (int i = 0; i < weighted.size() && i < underflow.length; i++) {
            String name = weighted.get(i).name();
            double u = underflow[i] / samples;
            sink.layerMetric(name, "grad_zero_subnormal_fraction", zeroOrSubnormal[i] / samples);
            sink.layerMetric(name, "grad_subnormal_fraction", subnormal[i] / samples);
            sink.layerMetric(name, "grad_underflow_fraction", u);
            fractions.put(name, u);
            if (u > max) {
                max = u;
                maxLayer = name;
            }
        }
        if (maxLayer == null) {
            return;
        }
        sink.metric("grad_underflow_max", max);
        sink.metric("grad_underflow_layer", maxLayer);
        if (max >= warn) {
            DType dtype = weighted.get(0).weight().grad().dtype();
            List<String> under = fractions.entrySet().stream().filter(e -> ((Double) e.getValue()) >= warn).map(Map.Entry::getKey).toList();
            sink.finding(new Finding(Severity.WARNING, "gradient-underflow", "gradient underflow: " + Views.num(100 * max)
                    + "% of the weight-gradient elements of layer '" + maxLayer + "' are zero or subnormal in "
                    + (dtype == DType.F32 ? "float32" : "float64") + " (below " + Views.num(smallestNormal(dtype)) + "), not because of"
                    + " zero inputs; layers " + under + " lose those updates", maxLayer,
                    Map.of("underflow_fraction", max, "limit", warn, "fractions", fractions),
                    dtype == DType.F32
                            ? List.of("float64 (--set training.dtype=f64), which keeps gradients down to 2.2e-308",
                                    Remedies.RELU, Remedies.BATCHNORM, Remedies.BETTER_INIT)
                            : List.of(Remedies.RELU, Remedies.BATCHNORM, Remedies.BETTER_INIT)));
        }
    }
}
