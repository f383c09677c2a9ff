package io.gradlab.plugins.conv;

import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.Tensor;
import java.util.function.IntConsumer;

/**
 * Max or average pooling over square windows of each channel, with PyTorch's {@code MaxPool2d} and
 * {@code AvgPool2d} semantics: padding counts as minus infinity for the maximum and as zeros for
 * the average, which always divides by {@code kernel²} ({@code count_include_pad=True}). The
 * maximum's gradient goes to the first largest element of its window. Samples are split over the
 * kernel threads; the windows come from a table built once.
 */
public final class Pool2d extends AbstractLayer implements ImageLayer {
    /** Which pooling. */
    public enum Kind {
        MAX("max-pool2d"),
        AVG("avg-pool2d");

        private final String type;

        Kind(String type) {
            this.type = type;
        }

        public String type() {
            return type;
        }
    }

    private final Kind kind;
    private final ImageShape in;
    private final ImageShape out;
    private final int[] table;
    private final int kk;
    private int[] argmax = new int[0];
    private int chunks;
    private final IntConsumer forwardPart = this::forwardChunk;
    private final IntConsumer backwardPart = this::backwardChunk;
    private Tensor x;
    private Tensor y;
    private Tensor dy;
    private Tensor dx;
    private int batch;

    public Pool2d(String name, Kind kind, ImageShape in, Window window) {
        super(name, kind.type());
        this.kind = kind;
        this.in = in;
        this.out = window.output(in, in.channels(), name, kind.type());
        this.table = window.poolTable(in, out);
        this.kk = window.kernel() * window.kernel();
    }

    @Override
    public ImageShape outputShape() {
        return out;
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        Shapes.requireWidth(this, in, inputWidth);
        chunks = Math.max(1, ctx.ops().threads());
        return out.size();
    }

    private int from(int chunk) {
        return (int) ((long) batch * chunk / chunks);
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        x = input;
        y = output;
        batch = input.rows();
        if (kind == Kind.MAX && argmax.length < batch * out.size()) {
            argmax = new int[batch * out.size()];
        }
        ops.parallelFor(chunks, forwardPart);
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        dy = gradOutput;
        dx = gradInput;
        batch = input.rows();
        ops.parallelFor(chunks, backwardPart);
    }

    private void forwardChunk(int t) {
        int p = out.plane();
        for (int n = from(t); n < from(t + 1); n++) {
            for (int c = 0; c < in.channels(); c++) {
                int inBase = n * in.size() + c * in.plane();
                int outBase = n * out.size() + c * p;
                for (int q = 0; q < p; q++) {
                    int w = q * kk;
                    if (kind == Kind.MAX) {
                        double best = Double.NEGATIVE_INFINITY;
                        int where = -1;
                        for (int e = 0; e < kk; e++) {
                            int i = table[w + e];
                            if (i >= 0) {
                                double v = x.get(inBase + i);
                                if (v > best || where < 0) {
                                    best = v;
                                    where = inBase + i;
                                }
                            }
                        }
                        y.set(outBase + q, best);
                        argmax[outBase + q] = where;
                    } else {
                        double s = 0;
                        for (int e = 0; e < kk; e++) {
                            int i = table[w + e];
                            if (i >= 0) {
                                s += x.get(inBase + i);
                            }
                        }
                        y.set(outBase + q, s / kk);
                    }
                }
            }
        }
    }

    private void backwardChunk(int t) {
        int p = out.plane();
        for (int n = from(t); n < from(t + 1); n++) {
            for (int i = n * in.size(); i < (n + 1) * in.size(); i++) {
                dx.set(i, 0.0);
            }
            for (int c = 0; c < in.channels(); c++) {
                int inBase = n * in.size() + c * in.plane();
                int outBase = n * out.size() + c * p;
                for (int q = 0; q < p; q++) {
                    double g = dy.get(outBase + q);
                    if (kind == Kind.MAX) {
                        int where = argmax[outBase + q];
                        dx.set(where, dx.get(where) + g);
                    } else {
                        double share = g / kk;
                        int w = q * kk;
                        for (int e = 0; e < kk; e++) {
                            int i = table[w + e];
                            if (i >= 0) {
                                dx.set(inBase + i, dx.get(inBase + i) + share);
                            }
                        }
                    }
                }
            }
        }
    }
}
