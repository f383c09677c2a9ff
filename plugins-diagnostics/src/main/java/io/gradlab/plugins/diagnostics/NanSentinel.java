package io.gradlab.plugins.diagnostics;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.Parameter;
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
 * (for a NaN that a ReLU swallowed), does it scan the tensors to find where it began.
 */
final class NanSentinel implements Diagnostic {
    private final int every;

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
        List<LayerView> layers = model.layers();
        // which tensors are finite, checked side by side (a pure read of each); then the first bad one
        // in the order of computation is reported, exactly as a scan in that order would find it
        scan.clear();
        for (int i = 0, n = layers.size(); i < n; i++) {
            scan.add(layers.get(i).layer().lastOutput()); // null: the layer keeps no output
        }
        for (int i = layers.size() - 1; i >= 0; i--) {
            List<Parameter> parameters = layers.get(i).layer().parameters();
            for (int j = 0, n = parameters.size(); j < n; j++) {
                scan.add(parameters.get(j).grad());
                scan.add(parameters.get(j).value());
            }
        }
        model.ops().parallelFor(scan.size, scan);
        int t = 0;
        for (int i = 0, n = layers.size(); i < n; i++, t++) {
            LayerView v = layers.get(i);
            if (!scan.finite[t]) {
                stop(model, v.name(), "the output of layer '" + v.name() + "'", scan.tensors[t]);
            }
        }
        if (!Double.isFinite(model.loss())) {
            stop(model, null, "the loss (" + model.loss() + ")", null);
        }
        for (int i = layers.size() - 1; i >= 0; i--) {
            LayerView v = layers.get(i);
            List<Parameter> parameters = v.layer().parameters();
            for (int j = 0, n = parameters.size(); j < n; j++, t += 2) {
                Parameter p = parameters.get(j);
                if (!scan.finite[t]) {
                    stop(model, v.name(), "the gradient of " + p.name() + " in layer '" + v.name() + "'", p.grad());
                }
                if (!scan.finite[t + 1]) {
                    stop(model, v.name(), "the " + p.name() + " of layer '" + v.name() + "'", p.value());
                }
            }
        }
        scan.clear();
    }

    private final Scan scan = new Scan();

    /** The tensors of one scan, each checked as one part of {@link ModelView#forEachPart}; reused. */
    private static final class Scan implements java.util.function.IntConsumer {
        private Tensor[] tensors = new Tensor[64];
        private boolean[] finite = new boolean[64];
        private int size;

        void add(Tensor t) {
            if (size == tensors.length) { // more tensors than ever before: once per model
                tensors = java.util.Arrays.copyOf(tensors, size * 2);
                finite = java.util.Arrays.copyOf(finite, size * 2);
            }
            tensors[size++] = t;
        }

        void clear() {
            java.util.Arrays.fill(tensors, 0, size, null);
            size = 0;
        }

        @Override
        public void accept(int i) {
            finite[i] = tensors[i] == null || tensors[i].allFinite();
        }
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
