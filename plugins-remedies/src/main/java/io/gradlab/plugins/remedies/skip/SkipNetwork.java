package io.gradlab.plugins.remedies.skip;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.AbstractLayer.BufferCache;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Layer;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Ops;
import io.gradlab.api.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain of blocks {@code 1..L} and a head with skip connections between blocks, the course's
 * wiring: with {@code h_0 = x}, {@code h_k = block_k(h_{k-1}) + sum over skips (f, k) of S_fk(h_f)},
 * and the output {@code head(h_L)}. {@code h_f} is what feeds block {@code f + 1} (so a block that is
 * itself the target of a skip passes on the sum), and {@code S_fk} is the identity or a projection
 * layer. The backward pass adds, into the gradient of each {@code h_f}, both the gradient from
 * block {@code f + 1} and the gradients coming back through every skip that starts at {@code f}.
 */
public final class SkipNetwork implements Layer {
    /** A skip from block {@code from} to block {@code to} (1-based); {@code projection} is {@code null} for the identity. */
    public record Skip(int from, int to, Layer projection) {
        public Skip {
            if (from < 1 || to <= from) {
                throw new IllegalArgumentException("a skip goes forward between blocks 1.., got " + from + " -> " + to);
            }
        }
    }

    private final String name;
    private final List<Layer> blocks;
    private final Layer head;
    private final List<Skip> skips;
    private final BufferCache[] sums;
    private final BufferCache[] accumulators;
    private final boolean[] isSource;
    private final boolean[] isTarget;
    private final Tensor[] h;
    private final Tensor[] accumulated;
    /** Whether {@code accumulated[k]} holds a gradient yet in the current backward pass. */
    private final boolean[] written;
    private final Adder adder = new Adder();
    private final List<Layer> children;
    private DType dtype;
    private Ops ops;
    private int inputWidth = -1;
    private int[] widths;
    private int outputWidth;
    private Tensor lastOutput;

    public SkipNetwork(String name, List<Layer> blocks, Layer head, List<Skip> skips) {
        this.name = requireNonNull(name, "name is null");
        this.blocks = List.copyOf(blocks);
        this.head = requireNonNull(head, "head is null");
        this.skips = List.copyOf(skips);
        int l = this.blocks.size();
        if (l == 0) {
            throw new IllegalArgumentException("skip network '" + name + "' has no blocks");
        }
        isSource = new boolean[l + 1];
        isTarget = new boolean[l + 1];
        for (Skip s : this.skips) {
            if (s.to() > l) {
                throw new IllegalArgumentException("skip " + s.from() + " -> " + s.to() + " of '" + name + "': there are only " + l + " blocks");
            }
            isSource[s.from()] = true;
            isTarget[s.to()] = true;
        }
        sums = new BufferCache[l + 1];
        accumulators = new BufferCache[l + 1];
        for (int k = 0; k <= l; k++) {
            sums[k] = new BufferCache();
            accumulators[k] = new BufferCache();
        }
        h = new Tensor[l + 1];
        accumulated = new Tensor[l + 1];
        written = new boolean[l + 1];
        List<Layer> c = new ArrayList<>();
        for (int k = 1; k <= l; k++) {
            c.add(this.blocks.get(k - 1));
            for (Skip s : this.skips) {
                if (s.from() == k && s.projection() != null) {
                    c.add(s.projection());
                }
            }
        }
        c.add(head);
        this.children = List.copyOf(c);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return "skip-network";
    }

    @Override
    public int build(int inputWidth, BuildContext ctx) {
        if (this.inputWidth >= 0) {
            if (inputWidth != this.inputWidth) {
                throw new GradlabException(GradlabException.Category.SPEC, "'" + name + "' was built for " + this.inputWidth
                        + " input features and cannot take " + inputWidth);
            }
            return outputWidth;
        }
        int l = blocks.size();
        int[] w = new int[l + 1];
        w[0] = inputWidth;
        for (int k = 1; k <= l; k++) {
            w[k] = blocks.get(k - 1).build(w[k - 1], ctx);
        }
        for (Skip s : skips) {
            int from = w[s.from()];
            int to = w[s.to()];
            if (s.projection() == null) {
                if (from != to) {
                    throw new GradlabException(GradlabException.Category.SPEC, "'" + name + "': the skip from block " + s.from() + " ("
                            + from + " features) to block " + s.to() + " (" + to + " features) needs a projection: the widths differ");
                }
            } else {
                int p = s.projection().build(from, ctx);
                if (p != to) {
                    throw new GradlabException(GradlabException.Category.SPEC, "'" + name + "': the projection '" + s.projection().name()
                            + "' outputs " + p + " features but block " + s.to() + " has " + to);
                }
            }
        }
        this.outputWidth = head.build(w[l], ctx);
        this.widths = w;
        this.dtype = ctx.dtype();
        this.ops = ctx.ops();
        this.inputWidth = inputWidth;
        return outputWidth;
    }

    @Override
    public Tensor forward(Tensor input, Mode mode) {
        int l = blocks.size();
        h[0] = input;
        for (int k = 1; k <= l; k++) {
            Tensor a = blocks.get(k - 1).forward(h[k - 1], mode);
            if (!isTarget[k]) {
                h[k] = a;
                continue;
            }
            Tensor sum = sums[k].get(dtype, input.rows(), widths[k]);
            boolean first = true;
            for (int i = 0; i < skips.size(); i++) {
                Skip s = skips.get(i);
                if (s.to() == k) {
                    Tensor src = s.projection() == null ? h[s.from()] : s.projection().forward(h[s.from()], mode);
                    if (first) {
                        adder.sum(ops, sum, a, src);
                        first = false;
                    } else {
                        adder.addInto(ops, sum, src);
                    }
                }
            }
            h[k] = sum;
        }
        lastOutput = head.forward(h[l], mode);
        return lastOutput;
    }

    @Override
    public Tensor backward(Tensor gradOutput) {
        int l = blocks.size();
        int rows = gradOutput.rows();
        for (int k = 1; k <= l; k++) {
            if (isSource[k]) {
                accumulated[k] = accumulators[k].get(dtype, rows, widths[k]);
                written[k] = false;
            }
        }
        Tensor g = head.backward(gradOutput);
        for (int k = l; k >= 1; k--) {
            if (isSource[k]) {
                // the gradient of h_k: from block k+1 (or the head) plus every skip that starts here
                accumulate(k, g);
                g = accumulated[k];
            }
            if (isTarget[k]) {
                for (int i = 0; i < skips.size(); i++) {
                    Skip s = skips.get(i);
                    if (s.to() == k) {
                        accumulate(s.from(), s.projection() == null ? g : s.projection().backward(g));
                    }
                }
            }
            g = blocks.get(k - 1).backward(g);
            if (g == null && k > 1) {
                throw new IllegalStateException("block '" + blocks.get(k - 1).name() + "' of '" + name
                        + "' returned no input gradient but is not first");
            }
        }
        return g;
    }

    /** {@code accumulated[k] += g}, or {@code = g} for the first gradient of this pass. */
    private void accumulate(int k, Tensor g) {
        if (written[k]) {
            adder.addInto(ops, accumulated[k], g);
        } else {
            accumulated[k].copyFrom(g);
            written[k] = true;
        }
    }

    @Override
    public List<Layer> children() {
        return children;
    }

    @Override
    public void setInputGradientRequired(boolean required) {
        blocks.get(0).setInputGradientRequired(required);
    }

    @Override
    public Tensor lastInput() {
        return h[0];
    }

    @Override
    public Tensor lastOutput() {
        return lastOutput;
    }

    /** The skips, in the order given. */
    public List<Skip> skips() {
        return skips;
    }

    /** When the rows of every layer inside are (the sums of the skips keep rows apart). */
    @Override
    public boolean independentRows() {
        return Layer.allIndependentRows(children());
    }
}
