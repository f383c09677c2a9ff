package io.gradlab.plugins.diagnostics;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code nan-sentinel}: stops the run at the first non-finite value, in the order they were computed:
 * the outputs of the forward pass layer by layer, the loss, then the parameter gradients from the
 * output back to the input, then the parameters. Names the layer, the epoch and the step, and throws
 * {@link Diagnostic.StopTraining} so that the engine keeps everything written so far.
 *
 * <p>Every step costs nothing: it looks at the loss and the weight-gradient norms the engine computed
 * (a NaN anywhere upstream makes them non-finite); only then, and on every {@code every}-th step
 * (for a NaN that a ReLU swallowed), does it scan the tensors in that order to find where it began,
 * each with one kernel reduction split over the threads, up to the first non-finite one.
 */
final class NanSentinel implements Diagnostic {
    /** {@code x * 0}: 0 for a finite {@code x}, NaN for NaN and the infinities; so a sum is NaN exactly when an element is not finite. */
    private static final Expr TIMES_ZERO = Expr.arg(0).mul(0);

    private final int every;
    private final Tensor[] args = new Tensor[1];

    NanSentinel(int every) {
        this.every = every;
    }

    @Override
    public void afterBackward(ModelView model) {
        boolean suspicious = !Double.isFinite(model.loss());
        for (int i = 0, n = model.weightedLayers().size(); i < n; i++) {
            suspicious |= !Double.isFinite(model.weightGradNorm(i)); // not weightGradNorms(): no array per step
        }
        if (!suspicious && model.step() % every != 0) {
            return;
        }
        Ops ops = model.ops();
        List<LayerView> layers = model.layers();
        for (int i = 0, n = layers.size(); i < n; i++) {
            LayerView v = layers.get(i);
            Tensor out = v.layer().lastOutput(); // null: the layer keeps no output
            if (out != null && !finite(ops, out)) {
                stop(model, v.name(), "the output of layer '" + v.name() + "'", out);
            }
        }
        if (!Double.isFinite(model.loss())) {
            stop(model, null, "the loss (" + model.loss() + ")", null);
        }
        for (int i = layers.size() - 1; i >= 0; i--) {
            LayerView v = layers.get(i);
            List<Parameter> parameters = v.layer().parameters();
            for (int j = 0, n = parameters.size(); j < n; j++) {
                Parameter p = parameters.get(j);
                if (!finite(ops, p.grad())) {
                    stop(model, v.name(), "the gradient of " + p.name() + " in layer '" + v.name() + "'", p.grad());
                }
                if (!finite(ops, p.value())) {
                    stop(model, v.name(), "the " + p.name() + " of layer '" + v.name() + "'", p.value());
                }
            }
        }
    }

    /** Whether every element of {@code t} is finite: one sum of {@code x * 0}, split over the kernel threads. */
    private boolean finite(Ops ops, Tensor t) {
        if (t.size() == 0) {
            return true;
        }
        args[0] = t;
        double s = ops.sum(TIMES_ZERO, null, args);
        args[0] = null;
        return !Double.isNaN(s);
    }

    private static void stop(ModelView model, String layer, String what, Tensor t) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("epoch", model.epoch());
        evidence.put("step", model.step());
        evidence.put("loss", model.loss());
        String detail = "";
        if (t != null) {
            int bad = Views.nonFinite(t);
            evidence.put("non_finite_values", bad);
            evidence.put("values", t.size());
            detail = " (" + bad + " of " + t.size() + " values, first " + Views.firstNonFinite(t) + ")";
        }
        throw new StopTraining(new Finding(Severity.CRITICAL, "non-finite", "training diverged: " + what
                + " became non-finite at epoch " + model.epoch() + ", step " + model.step() + detail
                + "; the run was stopped there. Try a smaller learning rate, gradient clipping or a smaller initialization", layer, evidence, List.copyOf(Remedies.NON_FINITE)));
    }
}
