package io.gradlab.plugins.recurrent;

import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.Tensor;
import io.gradlab.api.tensor.TensorGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * The buffers of an unrolled sequence for one batch size, time-major: in every {@code [T*batch, .]}
 * buffer step t is the row block {@code [t*batch, (t+1)*batch)}, one contiguous slice, so that the
 * products over all steps (input projections, weight gradients) are single matrix products and a
 * step's arithmetic is one elementwise program on slices. Each gate has its own buffer
 * {@code [T*batch, H]} (gate-major), since a program addresses whole slices, not column blocks.
 *
 * <p>The batch rows are split into {@link #parts} of whole multiples of 16 rows (so that a part's
 * products block their rows as the whole batch's would), which run the recurrence side by side: the
 * samples of a batch do not interact. Every slice a step needs, per part, is made here once; the
 * backward buffers are made at the first backward pass (evaluation needs none).
 */
final class RecurrentWorkspace {
    /** The rows of a part are a multiple of this. */
    private static final int PART_ROWS = 16;

    final int batch;
    final int steps;
    final int parts;
    private final int[] partStart;
    private final DType dtype;
    private final int hidden;
    private final int gates;

    /** The input, time-major {@code [T*batch, F]}. */
    final Tensor x;
    /**
     * Per gate, {@code [T*batch, H]}: the pre-activation (the input projection, then plus the
     * recurrent product), which the step's program replaces with the activated gate.
     */
    final Tensor[] gate;
    /** Per gate, the recurrent product kept apart from the gate (the GRU's {@code W_hn h + b_hn}), or null. */
    final Tensor[] separate;
    /** {@code [(T+1)*batch, H]}: block 0 is the zero initial state, block t+1 is h_t. */
    final Tensor hs;
    /** h_{t-1} of every step, {@code [T*batch, H]} (a view of {@link #hs}). */
    final Tensor hPrevAll;
    /** h_t of every step (a view of {@link #hs}). */
    final Tensor hAll;
    /** h_{T-1}, {@code [batch, H]}. */
    final Tensor hLast;
    /** The cell state (LSTM) laid out as {@link #hs}, or null. */
    final Tensor cs;
    /** c_t of every step, or null. */
    final Tensor cAll;
    /** {@code [part][t]}: h_{t-1}, the rows of a part. */
    final Tensor[][] hPrev;
    /** {@code [gate][part][t]}: where the recurrent product of a gate goes (the gate, or its separate buffer). */
    final Tensor[][][] recurrentOut;
    /** {@code [part][t]}: the arguments of the step's forward program. */
    final Tensor[][][] forwardArgs;
    private Backward backward;

    /** The buffers of the backward pass. */
    static final class Backward {
        /** dL/dx, time-major {@code [T*batch, F]}. */
        final Tensor dx;
        /** Per gate, {@code [T*batch, H]}: dL/d(the gate's pre-activation), the gradient of {@code W_ih x_t + b_ih}. */
        final Tensor[] dgate;
        /** Per gate: the gradient of the recurrent product (the gate's own, or its separate buffer's). */
        final Tensor[] recurrentGrad;
        /** dL/dh_t, time-major {@code [T*batch, H]}. */
        final Tensor dhs;
        /** dL/dh_t of the steps before the last (a view of {@link #dhs}). */
        final Tensor dhBeforeLast;
        /** dL/dh_{T-1} (a view of {@link #dhs}). */
        final Tensor dhLast;
        /** dL/dc flowing back between steps (LSTM), {@code [batch, H]}, or null. */
        final Tensor carry;
        /** The blocks of {@link #dhs}, one per step, for their norms in one pass. */
        final TensorGroup[] dhSteps;
        /** Per gate: {@code {dgate[g]}} and {@code {recurrentGrad[g]}}, the arguments of their column sums. */
        final Tensor[][] dgateArgs;
        final Tensor[][] recurrentGradArgs;
        /** {@code [gate][part][t]}: the gradient of the recurrent product, the rows of a part. */
        final Tensor[][][] recurrentGradPart;
        /** {@code [part][t]} for t >= 1: dL/dh_{t-1}, the rows of a part. */
        final Tensor[][] dhPrev;
        /** {@code [part]}: the rows of {@link #carry}, or null. */
        final Tensor[] carryPart;
        /** {@code [part][t]}: the arguments of the step's backward program. */
        final Tensor[][][] backwardArgs;

        private Backward(RecurrentWorkspace w, RecurrentLayer layer, int features) {
            int n = w.steps * w.batch;
            dx = Tensor.zeros(w.dtype, n, features);
            Tensor all = Tensor.zeros(w.dtype, w.gates * n, w.hidden);
            dgate = new Tensor[w.gates];
            recurrentGrad = new Tensor[w.gates];
            dgateArgs = new Tensor[w.gates][];
            recurrentGradArgs = new Tensor[w.gates][];
            recurrentGradPart = new Tensor[w.gates][w.parts][w.steps];
            for (int g = 0; g < w.gates; g++) {
                dgate[g] = all.slice(g * n, (g + 1) * n);
                recurrentGrad[g] = w.separate[g] != null ? Tensor.zeros(w.dtype, n, w.hidden) : dgate[g];
                dgateArgs[g] = new Tensor[] {dgate[g]};
                recurrentGradArgs[g] = new Tensor[] {recurrentGrad[g]};
                for (int p = 0; p < w.parts; p++) {
                    for (int t = 0; t < w.steps; t++) {
                        recurrentGradPart[g][p][t] = w.rows(recurrentGrad[g], t, p);
                    }
                }
            }
            dhs = Tensor.zeros(w.dtype, n, w.hidden);
            dhBeforeLast = dhs.slice(0, (w.steps - 1) * w.batch);
            dhLast = dhs.slice((w.steps - 1) * w.batch, n);
            List<Tensor> blocks = new ArrayList<>();
            for (int t = 0; t < w.steps; t++) {
                blocks.add(w.step(dhs, t));
            }
            dhSteps = new TensorGroup[] {TensorGroup.of(blocks)};
            carry = w.cs != null ? Tensor.zeros(w.dtype, w.batch, w.hidden) : null;
            carryPart = carry != null ? new Tensor[w.parts] : null;
            dhPrev = new Tensor[w.parts][w.steps];
            for (int p = 0; p < w.parts; p++) {
                if (carry != null) {
                    carryPart[p] = w.rows(carry, 0, p);
                }
                for (int t = 1; t < w.steps; t++) {
                    dhPrev[p][t] = w.rows(dhs, t - 1, p);
                }
            }
            backwardArgs = new Tensor[w.parts][w.steps][];
            for (int p = 0; p < w.parts; p++) {
                for (int t = 0; t < w.steps; t++) {
                    backwardArgs[p][t] = layer.backwardArgs(w, this, p, t, layer.intoPrevious(t));
                }
            }
        }
    }

    RecurrentWorkspace(RecurrentLayer layer, DType dtype, int batch, int steps, int features, int threads) {
        this.dtype = dtype;
        this.batch = batch;
        this.steps = steps;
        this.hidden = layer.hidden();
        this.gates = layer.gates();
        this.partStart = split(batch, threads);
        this.parts = partStart.length - 1;
        int n = steps * batch;
        x = Tensor.zeros(dtype, n, features);
        Tensor all = Tensor.zeros(dtype, gates * n, hidden);
        gate = new Tensor[gates];
        separate = new Tensor[gates];
        for (int g = 0; g < gates; g++) {
            gate[g] = all.slice(g * n, (g + 1) * n);
            separate[g] = layer.separateRecurrentProduct(g) ? Tensor.zeros(dtype, n, hidden) : null;
        }
        hs = Tensor.zeros(dtype, n + batch, hidden);
        hPrevAll = hs.slice(0, n);
        hAll = hs.slice(batch, n + batch);
        hLast = step(hs, steps);
        cs = layer.hasCellState() ? Tensor.zeros(dtype, n + batch, hidden) : null;
        cAll = cs != null ? cs.slice(batch, n + batch) : null;
        hPrev = new Tensor[parts][steps];
        recurrentOut = new Tensor[gates][parts][steps];
        forwardArgs = new Tensor[parts][steps][];
        for (int p = 0; p < parts; p++) {
            for (int t = 0; t < steps; t++) {
                hPrev[p][t] = rows(hs, t, p);
                for (int g = 0; g < gates; g++) {
                    recurrentOut[g][p][t] = rows(separate[g] != null ? separate[g] : gate[g], t, p);
                }
                forwardArgs[p][t] = layer.forwardArgs(this, p, t);
            }
        }
    }

    /**
     * The first row of each part and, last, the batch: {@code threads} parts at most, each a multiple
     * of {@value #PART_ROWS} rows but the last.
     */
    static int[] split(int batch, int threads) {
        int parts = Math.max(1, Math.min(threads, (batch + PART_ROWS - 1) / PART_ROWS));
        int per = Math.max(PART_ROWS, ((batch + parts - 1) / parts + PART_ROWS - 1) / PART_ROWS * PART_ROWS);
        parts = Math.max(1, (batch + per - 1) / per);
        int[] start = new int[parts + 1];
        for (int p = 0; p < parts; p++) {
            start[p] = p * per;
        }
        start[parts] = batch;
        return start;
    }

    /** The backward buffers, made on first use. */
    Backward backward(RecurrentLayer layer, int features) {
        if (backward == null) {
            backward = new Backward(this, layer, features);
        }
        return backward;
    }

    /** The backward buffers of the last {@link #backward(RecurrentLayer, int)}. */
    Backward backward() {
        return backward;
    }

    /** Block {@code block} ({@code [batch, W]}) of a time-major buffer. */
    Tensor step(Tensor timeMajor, int block) {
        return timeMajor.slice(block * batch, (block + 1) * batch);
    }

    /** The rows of part {@code part} in block {@code block} of a time-major buffer (a new view: for building only). */
    Tensor rows(Tensor timeMajor, int block, int part) {
        return timeMajor.slice(block * batch + partStart[part], block * batch + partStart[part + 1]);
    }
}
