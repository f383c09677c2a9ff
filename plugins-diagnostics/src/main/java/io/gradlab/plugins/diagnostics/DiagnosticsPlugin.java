package io.gradlab.plugins.diagnostics;

import static io.gradlab.api.ParameterSpec.bool;
import static io.gradlab.api.ParameterSpec.intList;
import static io.gradlab.api.ParameterSpec.integer;
import static io.gradlab.api.ParameterSpec.real;

import io.gradlab.api.ApiVersion;
import io.gradlab.api.ComponentFactory;
import io.gradlab.api.ComponentKind;
import io.gradlab.api.GradlabException;
import io.gradlab.api.GradlabPlugin;
import java.util.List;

/**
 * The diagnostics plugin: update/weight ratio, activation statistics, saturation, dead units,
 * weight and gradient histograms, the symmetry detector, the NaN sentinel and the exploding-gradient
 * detector. Every diagnostic writes figures into {@code metrics.jsonl} and raises findings with
 * remedies; layer figures of activation layers ({@code act3}) are keyed by the activation layer's
 * name (the engine files them under the weighted layer before it).
 */
public final class DiagnosticsPlugin implements GradlabPlugin {

    @Override
    public String apiVersion() {
        return ApiVersion.CURRENT;
    }

    @Override
    public String name() {
        return "gradlab-plugins-diagnostics";
    }

    @Override
    public List<ComponentFactory<?>> components() {
        return List.of(
                ComponentFactory.of(ComponentKind.DIAGNOSTIC, "update-ratio",
                        "||delta W|| / ||W|| of one optimizer step per layer, as the engine measures it (healthy ~1e-3): too small = not learning, too large = unstable",
                        List.of(real("low", 1e-5, "ratio below which a layer is reported as hardly learning").rangeExclusiveMin(0, 1),
                                real("high", 3e-2, "ratio above which updates are reported as too large (x10: critical)").rangeExclusiveMin(0, 1e6)),
                        p -> {
                            if (p.getDouble("low") >= p.getDouble("high")) {
                                throw new GradlabException(GradlabException.Category.COMPONENT, "diagnostic 'update-ratio': low = "
                                        + p.getDouble("low") + " must be below high = " + p.getDouble("high"));
                            }
                            return new UpdateRatio(p.getDouble("low"), p.getDouble("high"));
                        }),
                ComponentFactory.of(ComponentKind.DIAGNOSTIC, "activation-stats",
                        "mean and standard deviation of every activation layer's output (act_mean, act_std), from sampled batches",
                        List.of(integer("every", 4, "sample every N-th step of an epoch (and its first)").range(1, 1_000_000)),
                        p -> new ActivationStats(p.getInt("every"))),
                ComponentFactory.of(ComponentKind.DIAGNOSTIC, "saturation",
                        "fraction of sigmoid/tanh units whose derivative is below 1% of its maximum for most samples (saturated_fraction)",
                        List.of(integer("every", 2, "sample every N-th step of an epoch (and its first)").range(1, 1_000_000),
                                real("threshold", 0.01, "a derivative below threshold * max derivative is saturated").rangeExclusiveMin(0, 1),
                                real("majority", 0.5, "a unit is saturated when saturated for more than this share of samples").range(0, 1),
                                real("warn", 0.2, "saturated fraction of a layer that gives a warning").range(0, 1),
                                real("critical", 0.5, "saturated fraction of a layer that is critical").range(0, 1)),
                        p -> new Saturation(p.getInt("every"), p.getDouble("threshold"), p.getDouble("majority"), p.getDouble("warn"),
                                p.getDouble("critical"))),
                ComponentFactory.of(ComponentKind.DIAGNOSTIC, "dead-units",
                        "fraction of ReLU-family units whose output is zero for every training sample from some step to the end of the"
                                + " epoch (dead_fraction), with the step they died",
                        List.of(real("warn", 0.1, "dead fraction of a layer that gives a warning").range(0, 1),
                                real("critical", 0.5, "dead fraction of a layer that is critical").range(0, 1),
                                real("silent", 0.25, "fraction of the epoch's steps (at least 2) a unit must stay silent at its end to count as"
                                        + " dead").rangeExclusiveMin(0, 1)),
                        p -> new DeadUnits(p.getDouble("warn"), p.getDouble("critical"), p.getDouble("silent"))),
                ComponentFactory.of(ComponentKind.DIAGNOSTIC, "histograms",
                        "histograms of weights and weight gradients per layer (weight_hist, grad_hist) at chosen epochs",
                        List.of(intList("epochs", List.of(1), "epochs to write histograms at"),
                                integer("every", 0, "also every N-th epoch (0: off)").range(0, 1_000_000),
                                bool("last", true, "also at the last planned epoch"),
                                integer("bins", 30, "number of equal bins").range(2, 1000)),
                        p -> new Histograms(p.getIntList("epochs"), p.getInt("every"), p.getBoolean("last"), p.getInt("bins"))),
                ComponentFactory.of(ComponentKind.DIAGNOSTIC, "symmetry",
                        "hidden units with identical incoming weights (the zero-initialization symmetry problem): duplicate_fraction",
                        List.of(real("tolerance", 1e-6, "two rows equal within tolerance * the larger |w| of the two are identical").range(0, 1),
                                real("warn", 0.5, "fraction of units with an identical twin that gives a finding").rangeExclusiveMin(0, 1)),
                        p -> new Symmetry(p.getDouble("tolerance"), p.getDouble("warn"))),
                ComponentFactory.of(ComponentKind.DIAGNOSTIC, "nan-sentinel",
                        "stops the run at the first NaN/Inf in an output, the loss, a gradient or a weight, naming the layer and step",
                        List.of(integer("every", 10, "scan every tensor every N-th step (a non-finite loss or gradient norm is caught at once)")
                                .range(1, 1_000_000)),
                        p -> new NanSentinel(p.getInt("every"))),
                ComponentFactory.of(ComponentKind.DIAGNOSTIC, "exploding-gradient",
                        "reports a global weight-gradient norm above max-norm or growing by orders of magnitude (grad_norm_max, grad_norm_growth)",
                        List.of(real("max-norm", 1e3, "gradient norm above which a step is exploding").rangeExclusiveMin(0, 1e12),
                                real("growth-orders", 2.0, "orders of magnitude of growth over the first steps that count as exploding")
                                        .rangeExclusiveMin(0, 100),
                                integer("window", 5, "steps averaged at the start and at the end").range(1, 10_000)),
                        p -> new ExplodingGradient(p.getDouble("max-norm"), p.getDouble("growth-orders"), p.getInt("window"))),
                Precision.factory());
    }
}
