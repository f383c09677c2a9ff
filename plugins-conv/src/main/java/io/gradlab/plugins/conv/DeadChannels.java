package io.gradlab.plugins.conv;

import io.gradlab.api.diag.Diagnostic;
import io.gradlab.api.diag.DiagnosticSink;
import io.gradlab.api.diag.Finding;
import io.gradlab.api.diag.LayerView;
import io.gradlab.api.diag.ModelView;
import io.gradlab.api.diag.Severity;
import io.gradlab.api.nn.Activation;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.tensor.Expr;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code dead-channels}: in each rectifying activation layer that works on images (it follows a
 * convolution, a channel batch norm, a pool or a block), the channels whose output was zero at every
 * pixel for every training sample of the epoch. Such a channel passes no gradient to the filter that
 * feeds it and never recovers. Writes {@code dead_channel_fraction} per such layer; a warning when a
 * layer has lost at least {@code warn-fraction} of its channels.
 */
final class DeadChannels implements Diagnostic {
    /** 1 unless the output is zero. */
    private static final Expr FIRED = Expr.constant(1).sub(Expr.arg(0).abs().le(0));

    private final double warnFraction;
    private final Map<String, Channels> alive = new LinkedHashMap<>();
    private int epoch = Integer.MIN_VALUE;

    DeadChannels(double warnFraction) {
        this.warnFraction = warnFraction;
    }

    @Override
    public void afterBackward(ModelView model) {
        if (model.epoch() != epoch) {
            epoch = model.epoch();
            alive.clear();
        }
        ImageShape shape = null;
        List<LayerView> layers = model.layers();
        for (int i = 0, n = layers.size(); i < n; i++) {
            LayerView v = layers.get(i);
            Layer layer = v.layer();
            if (layer instanceof ImageLayer image) {
                shape = image.outputShape();
                continue;
            }
            if (layer instanceof GlobalAvgPool || layer instanceof Flatten) {
                shape = null;
                continue;
            }
            Activation activation = v.activation();
            Tensor out = layer.lastOutput();
            if (shape == null || activation == null || activation.family() != Activation.Family.RECTIFYING || out == null
                    || out.cols() != shape.size()) {
                continue;
            }
            Channels c = alive.get(v.name());
            if (c == null || c.shape.size() != shape.size()) {
                c = new Channels(shape);
                alive.put(v.name(), c);
            }
            c.mark(model.ops(), out);
        }
    }

    /** Which channels of one layer have output something other than zero in this epoch. */
    static final class Channels {
        final ImageShape shape;
        final boolean[] seen;
        private int open;
        private final Tensor[] args = new Tensor[1];
        private Tensor fired;

        Channels(ImageShape shape) {
            this.shape = shape;
            this.seen = new boolean[shape.channels()];
            this.open = shape.channels();
        }

        /** Marks the channels with a non-zero output at some pixel of some row of {@code out}. */
        void mark(Ops ops, Tensor out) {
            if (open == 0) {
                return;
            }
            if (fired == null || fired.dtype() != out.dtype()) {
                fired = Tensor.zeros(out.dtype(), shape.size());
            }
            args[0] = out;
            ops.columnSums(FIRED, 0, fired, null, args);
            args[0] = null;
            int plane = shape.plane();
            for (int c = 0; c < seen.length; c++) {
                if (seen[c]) {
                    continue;
                }
                for (int q = c * plane; q < (c + 1) * plane; q++) {
                    if (fired.get(q) != 0) {
                        seen[c] = true;
                        open--;
                        break;
                    }
                }
            }
        }

        int dead() {
            int dead = 0;
            for (boolean b : seen) {
                if (!b) {
                    dead++;
                }
            }
            return dead;
        }
    }

    @Override
    public void onEpochEnd(ModelView model, DiagnosticSink sink) {
        String worstLayer = null;
        double worst = -1;
        Channels worstChannels = null;
        for (Map.Entry<String, Channels> e : alive.entrySet()) {
            Channels c = e.getValue();
            double fraction = (double) c.dead() / c.seen.length;
            sink.layerMetric(e.getKey(), "dead_channel_fraction", fraction);
            if (fraction > worst) {
                worst = fraction;
                worstLayer = e.getKey();
                worstChannels = c;
            }
        }
        if (worstLayer != null && worst >= warnFraction && worst > 0) {
            sink.finding(new Finding(Severity.WARNING, "dead-channels", "dead channels: " + worstChannels.dead() + " of the "
                    + worstChannels.seen.length + " channels after '" + worstLayer + "' output zero at every pixel for every training"
                    + " sample of the epoch; their filters get no gradient and stop learning", worstLayer,
                    Map.of("dead_channels", worstChannels.dead(), "channels", worstChannels.seen.length, "dead_channel_fraction", worst),
                    List.of("a leaky ReLU-family activation that keeps a gradient for negative inputs (activation: {id: leaky-relu})",
                            "batch-norm2d between each convolution and its activation (cnn: batch-norm: true)",
                            "a smaller learning rate (--set training.optimizer.lr=...)")));
        }
    }
}
