package io.gradlab.plugins.recurrent;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code recurrent} diagnostic. For every recurrent layer of the model it writes, per epoch:
 * <ul>
 *   <li>{@code grad_through_time}: ||dL/dh_t|| for t = 0 .. T-1, averaged over the epoch's training
 *       steps (the gradient-through-time curve);</li>
 *   <li>{@code grad_through_time_max}: the largest ||dL/dh_t|| of any step in any training step of the
 *       epoch (a spike that the mean hides);</li>
 *   <li>{@code grad_time_ratio}: ||dL/dh_first|| / ||dL/dh_{T-1}||, with {@code first} the earliest step the
 *       gradient reaches (0, or T-k with truncation k), and {@code grad_time_gain}: the per-step factor
 *       exp(slope) of a least-squares line through log ||dL/dh_t|| against the distance T-1-t;</li>
 *   <li>{@code w_hh_spectral_radius} and {@code w_hh_max_singular_value}: of W_hh for a vanilla RNN, per gate
 *       block ({@code {i: .., f: .., ...}}) for LSTM and GRU, and the largest singular value of the whole
 *       W_hh as {@code w_hh_norm}.</li>
 * </ul>
 * It reports a {@code vanishing-gradient-through-time} or {@code exploding-gradient-through-time} finding
 * when the ratio leaves {@code [vanishing-ratio, exploding-ratio]}, weighing the trend over the epoch: each
 * backward pass's own ratio is kept, and a vanishing ratio is CRITICAL only when the ratio of the epoch's
 * last quarter of steps is still below {@code vanishing-ratio} and has not grown tenfold since its first
 * quarter, and the cell has no gates (a vanilla RNN); a layer that learns to carry the gradient through
 * time gets a WARNING that names the trend, and a gated cell (LSTM, GRU) a WARNING: its gates start half
 * closed and the optimizer opens them, which a probe of a few dozen steps does not see (at 40 steps of the
 * adding problem an LSTM, a GRU and a vanilla RNN show the same tiny ratio, 1e-4 to 1e-7). The trend's
 * figures are {@code grad_time_ratio_start} and {@code grad_time_ratio_end}, geometric means over the
 * epoch's first and last quarter. After every backward pass it looks for
 * non-finite values: a non-finite dL/dh_t or parameter gradient stops the run at once
 * ({@link Diagnostic.StopTraining}) naming the time step; from the first backward pass on it also arms
 * each layer, so that a non-finite hidden or cell state in a later forward pass stops the run before the
 * loss becomes NaN.
 */
final class RecurrentDiagnostic implements Diagnostic {
    static final List<String> EXPLODING_REMEDIES = List.of(
            "clip gradients by global norm (training.gradient-transforms: [{id: clip-norm, max-norm: 1.0}])",
            "a smaller spectral radius of W_hh (spectral-radius: 1.0 with recurrent-init: orthogonal)",
            "a smaller learning rate",
            "an LSTM or GRU cell (cell: lstm)");
    static final List<String> VANISHING_REMEDIES = List.of(
            "an LSTM or GRU cell, whose gates keep a near-linear path through time (cell: lstm)",
            "W_hh with spectral radius near 1 (recurrent-init: orthogonal, spectral-radius: 1.0, or identity with relu: the IRNN)",
            "truncated BPTT does not help here: it only shortens the path further");

    static final List<String> GATED_REMEDIES = List.of(
            "train longer and watch the loss: the gates open as the task is learned (an LSTM on the adding problem, T = 50, needs"
                    + " about 600 steps of Adam)",
            "a larger forget-gate bias (forget-bias: 2.0), so that the cell keeps its state longer from the first step",
            "a GRU cell (cell: gru), which learns the adding problem fastest here",
            "a shorter sequence first (curriculum), then the full length");

    /** A vanishing ratio that grows this many times from the epoch's first quarter to its last is a trend, not a verdict. */
    static final double GROWING = 10;

    private final double vanishingRatio;
    private final double explodingRatio;
    private final boolean stopOnNonFinite;
    private final List<RecurrentLayer> armed = new ArrayList<>();
    private List<LayerView> seenLayers;
    private List<RecurrentLayer> layers = List.of();
    private final Map<RecurrentLayer, Trend> trends = new LinkedHashMap<>();
    private int trendEpoch = Integer.MIN_VALUE;
    private int epoch;
    private long step;

    RecurrentDiagnostic(double vanishingRatio, double explodingRatio, boolean stopOnNonFinite) {
        this.vanishingRatio = vanishingRatio;
        this.explodingRatio = explodingRatio;
        this.stopOnNonFinite = stopOnNonFinite;
    }

    static List<RecurrentLayer> recurrentLayers(ModelView model) {
        List<RecurrentLayer> out = new ArrayList<>();
        for (LayerView v : model.layers()) {
            if (v.layer() instanceof RecurrentLayer r) {
                out.add(r);
            }
        }
        return out;
    }

    /** The log of each backward pass's gradient-through-time ratio in the epoch (grown to the epoch's length once). */
    static final class Trend {
        private double[] logRatios = new double[64];
        private int steps;

        void add(double ratio) {
            if (steps == logRatios.length) {
                logRatios = Arrays.copyOf(logRatios, steps * 2);
            }
            logRatios[steps++] = Math.log(ratio);
        }

        int steps() {
            return steps;
        }

        /** The geometric mean of the ratios of steps [from, to). */
        double mean(int from, int to) {
            double s = 0;
            for (int i = from; i < to; i++) {
                s += logRatios[i];
            }
            return Math.exp(s / (to - from));
        }

        void clear() {
            steps = 0;
        }
    }

    private void recordTrend(ModelView model) {
        if (model.epoch() != trendEpoch) {
            trendEpoch = model.epoch();
            for (Trend t : trends.values()) {
                t.clear();
            }
        }
        for (int l = 0; l < layers.size(); l++) {
            RecurrentLayer layer = layers.get(l);
            int steps = layer.steps();
            if (steps < 2) {
                continue;
            }
            int first = layer.config().truncate() > 0 ? Math.max(0, steps - layer.config().truncate()) : 0;
            double top = layer.lastGradientNorm(steps - 1);
            double ratio = top == 0 ? Double.NaN : layer.lastGradientNorm(first) / top;
            if (ratio > 0 && Double.isFinite(ratio)) {
                trends.computeIfAbsent(layer, k -> new Trend()).add(ratio);
            }
        }
    }

    @Override
    public void afterBackward(ModelView model) {
        epoch = model.epoch();
        step = model.step();
        if (model.layers() != seenLayers) { // a new model (or the first step): find its recurrent layers once
            seenLayers = model.layers();
            layers = recurrentLayers(model);
            trends.clear();
        }
        recordTrend(model);
        if (!stopOnNonFinite) {
            return;
        }
        for (int l = 0; l < layers.size(); l++) {
            RecurrentLayer layer = layers.get(l);
            if (!armed.contains(layer)) {
                armed.add(layer);
                layer.armSentinel(event -> stop(layer, event));
            }
            NonFiniteEvent event = layer.nonFinite();
            if (event != null) {
                layer.clearNonFinite();
                stop(layer, event);
            }
            List<Parameter> parameters = layer.parameters();
            for (int i = 0; i < parameters.size(); i++) {
                Parameter p = parameters.get(i);
                int bad = RecurrentLayer.firstNonFinite(p.grad());
                if (bad >= 0) {
                    throw new StopTraining(finding("the gradient of " + p.name() + " in recurrent layer '" + layer.name() + "' became "
                            + p.grad().get(bad) + " (every dL/dh_t stayed finite: the sum over " + layer.steps()
                            + " time steps overflowed)", layer.name(), Map.of("parameter", p.name())));
                }
            }
        }
    }

    private void stop(RecurrentLayer layer, NonFiniteEvent event) {
        boolean forward = event.phase().equals("forward");
        // a forward pass during training belongs to the step after the last backward pass
        long at = forward ? step + 1 : step;
        String cause;
        if (forward) {
            cause = "the previous update made the recurrence unstable";
        } else if (event.timeStep() == event.steps() - 1) {
            cause = "the gradient was already non-finite where it enters the layer from above (the layers after it overflowed first)";
        } else {
            cause = "it grew step by step back through W_hh (an exploding gradient through time)";
        }
        double max = layer.maxGradientNorm();
        String largest = max > 0 ? String.format(Locale.ROOT, "; the largest ||dL/dh_t|| this epoch before it was %.3g", max) : "";
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("phase", event.phase());
        evidence.put("time_step", event.timeStep());
        evidence.put("steps", event.steps());
        evidence.put("what", event.what());
        evidence.put("max_grad_norm_this_epoch", max);
        evidence.put("grad_through_time_before_stop", toList(layer.lastFiniteGradientNorms()));
        throw new StopTraining(finding(event.describe() + String.format(Locale.ROOT, " of training step %d (epoch %d): %s%s",
                at, Math.max(epoch, 1), cause, largest), event.layer(), evidence));
    }

    private Finding finding(String what, String layer, Map<String, Object> extra) {
        Map<String, Object> evidence = new LinkedHashMap<>(extra);
        evidence.put("epoch", Math.max(epoch, 1));
        evidence.put("step", step);
        return new Finding(Severity.CRITICAL, "non-finite-recurrent", "non-finite value in a recurrent layer: " + what
                + "; the run stops here. Try gradient clipping (training.gradient-transforms: [{id: clip-norm, max-norm: 1.0}]),"
                + " a smaller spectral radius of W_hh or learning rate, or an LSTM or GRU cell", layer, evidence, EXPLODING_REMEDIES);
    }

    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        for (RecurrentLayer layer : recurrentLayers(model)) {
            String name = layer.name();
            double max = layer.maxGradientNorm();
            double[] curve = layer.drainGradientNorms();
            if (curve.length > 0) {
                sink.layerMetric(name, "grad_through_time", toList(curve));
                int first = layer.config().truncate() > 0 ? Math.max(0, curve.length - layer.config().truncate()) : 0;
                double last = curve[curve.length - 1];
                double ratio = last == 0 ? (curve[first] == 0 ? 1 : Double.POSITIVE_INFINITY) : curve[first] / last;
                double gain = gainPerStep(curve, first);
                sink.layerMetric(name, "grad_through_time_max", max);
                sink.layerMetric(name, "grad_time_ratio", ratio);
                sink.layerMetric(name, "grad_time_gain", gain);
                Trend trend = trends.get(layer);
                double start = Double.NaN;
                double end = Double.NaN;
                if (trend != null && trend.steps() > 0) {
                    int quarter = Math.max(1, trend.steps() / 4);
                    start = trend.mean(0, quarter);
                    end = trend.mean(trend.steps() - quarter, trend.steps());
                    sink.layerMetric(name, "grad_time_ratio_start", start);
                    sink.layerMetric(name, "grad_time_ratio_end", end);
                    trend.clear();
                }
                report(sink, layer, ratio, gain, curve, first, start, end);
            }
            spectra(model.ops(), layer, sink);
        }
    }

    private void report(DiagnosticSink sink, RecurrentLayer layer, double ratio, double gain, double[] curve, int first, double start,
                        double end) {
        int distance = curve.length - 1 - first;
        if (distance == 0) {
            return;
        }
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("grad_time_ratio", ratio);
        evidence.put("grad_time_gain", gain);
        evidence.put("distance", distance);
        evidence.put("units", layer.hidden());
        if (!Double.isNaN(start)) {
            evidence.put("grad_time_ratio_start", start);
            evidence.put("grad_time_ratio_end", end);
        }
        if (ratio < vanishingRatio) {
            String what = String.format(Locale.ROOT, "dL/dh at step %d is %.3g times that at the last step (a factor %.3g per step over %d"
                    + " steps, the epoch's mean)", first, ratio, gain, distance);
            boolean recovered = end >= vanishingRatio;
            boolean growing = end >= GROWING * start;
            if (recovered || growing) {
                sink.finding(new Finding(Severity.WARNING, "vanishing-gradient-through-time", String.format(Locale.ROOT,
                        "gradient through time in '%s' is small but %s: %s; over the epoch the ratio went from %.3g (its first quarter)"
                                + " to %.3g (its last), so the layer is learning to carry the gradient through time",
                        layer.name(), recovered ? "recovered" : "growing", what, start, end), layer.name(), evidence, VANISHING_REMEDIES));
                return;
            }
            if (layer.gates() > 1) {
                evidence.put("gated_cell", layer.type());
                sink.finding(new Finding(Severity.WARNING, "vanishing-gradient-through-time", String.format(Locale.ROOT,
                        "slow gradient through time in '%s', a gated cell (%s): %s. Its gates start half open and the optimizer opens"
                                + " them where the task needs memory (an LSTM's cell state c_t = f c_{t-1} + i g, a GRU's"
                                + " h_t = (1 - z) n + z h_{t-1}), which a short probe does not see; if the loss stays at the level of a"
                                + " constant prediction after a few epochs, the memory path did not open",
                        layer.name(), layer.type(), what), layer.name(), evidence, GATED_REMEDIES));
                return;
            }
            sink.finding(new Finding(Severity.CRITICAL, "vanishing-gradient-through-time", String.format(Locale.ROOT,
                    "vanishing gradient through time in '%s': %s%s; the layer cannot learn dependencies that span many steps",
                    layer.name(), what, Double.isNaN(start) ? "" : String.format(Locale.ROOT, ", and it does not recover over the epoch"
                            + " (%.3g in its first quarter, %.3g in its last)", start, end)), layer.name(), evidence, VANISHING_REMEDIES));
        } else if (ratio > explodingRatio) {
            sink.finding(new Finding(Severity.CRITICAL, "exploding-gradient-through-time", String.format(Locale.ROOT,
                    "exploding gradient through time in '%s': dL/dh at step %d is %.3g times that at the last step (a factor %.3g per step"
                            + " over %d steps)",
                    layer.name(), first, ratio, gain, distance), layer.name(), evidence, EXPLODING_REMEDIES));
        }
    }

    /** exp of the least-squares slope of log ||dL/dh_t|| against the distance T-1-t, over the steps from {@code first}. */
    static double gainPerStep(double[] curve, int first) {
        int t1 = curve.length - 1;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int n = 0;
        for (int t = first; t <= t1; t++) {
            if (!(curve[t] > 0) || !Double.isFinite(curve[t])) {
                continue;
            }
            double x = t1 - t;
            double y = Math.log(curve[t]);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            n++;
        }
        double den = n * sxx - sx * sx;
        if (n < 2 || den == 0) {
            return Double.NaN;
        }
        return Math.exp((n * sxy - sx * sy) / den);
    }

    /** The spectra of W_hh's gate blocks, one gate per part on the run's kernel threads. */
    private static void spectra(Ops ops, RecurrentLayer layer, DiagnosticSink sink) {
        Tensor w = layer.weightHh().value();
        int h = layer.hidden();
        double[] all = w.toDoubleArray();
        List<String> names = layer.gateNames();
        int gates = names.size();
        double[] radius = new double[gates];
        double[] singular = new double[gates];
        ops.parallelFor(gates, g -> {
            double[] block = Arrays.copyOfRange(all, g * h * h, (g + 1) * h * h);
            radius[g] = Matrices.spectralRadius(ops, block, h);
            singular[g] = Matrices.maxSingularValue(ops, block, h, h);
        });
        if (gates == 1) {
            sink.layerMetric(layer.name(), "w_hh_spectral_radius", radius[0]);
            sink.layerMetric(layer.name(), "w_hh_max_singular_value", singular[0]);
            return;
        }
        Map<String, Object> radii = new LinkedHashMap<>();
        Map<String, Object> singulars = new LinkedHashMap<>();
        for (int g = 0; g < gates; g++) {
            radii.put(names.get(g), radius[g]);
            singulars.put(names.get(g), singular[g]);
        }
        sink.layerMetric(layer.name(), "w_hh_spectral_radius", radii);
        sink.layerMetric(layer.name(), "w_hh_max_singular_value", singulars);
        sink.layerMetric(layer.name(), "w_hh_norm", Matrices.maxSingularValue(ops, all, gates * h, h));
    }

    private static List<Double> toList(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(v);
        }
        return out;
    }
}
