package io.gradlab.plugins.recurrent;

import static java.util.Objects.requireNonNull;

import io.gradlab.api.GradlabException;
import io.gradlab.api.nn.AbstractLayer;
import io.gradlab.api.nn.BuildContext;
import io.gradlab.api.nn.Fan;
import io.gradlab.api.nn.Mode;
import io.gradlab.api.nn.Parameter;
import io.gradlab.api.tensor.DType;
import io.gradlab.api.tensor.RandomSource;
import io.gradlab.api.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The unrolling shared by {@link RnnLayer}, {@link LstmLayer} and {@link GruLayer}: a sequence batch
 * {@code [batch, T*F]} (step t's features in columns {@code t*F .. t*F+F-1}) runs through one cell
 * for T steps from a zero state; the output is the last hidden state {@code [batch, H]}, or every
 * hidden state {@code [batch, T*H]} with {@code return-sequences}.
 *
 * <p>Parameters (PyTorch layout, G = gates: 1, 4 or 3): {@code weight_ih [G*H, F]} (first, so that it
 * is the layer's "weight" in diagnostics), {@code weight_hh [G*H, H]}, {@code bias_ih} and
 * {@code bias_hh [G*H]}. The input projections of all steps are one matrix product on the input seen
 * as {@code [batch*T, F]}; the recurrent product runs per step on {@code [batch, H]} buffers. Per-step
 * buffers live in a workspace per batch size, so nothing is allocated once an epoch's batch sizes
 * were seen.
 *
 * <p>Backward is backpropagation through time, truncated to chunks of {@code truncate} steps when set.
 * Each backward pass records {@code ||dL/dh_t||} (Frobenius norm over the batch) for every step t: the
 * gradient-through-time curve that the {@code recurrent} diagnostic averages over an epoch. The
 * layer also notes the first non-finite hidden state or gradient, with its time step.
 */
public abstract class RecurrentLayer extends AbstractLayer {
    private static final int MAX_WORKSPACES = 4;

    private final RecurrentConfig config;
    private final int gates;
    protected int steps;
    protected int features;
    protected final int hidden;
    private Parameter weightIh;
    private Parameter weightHh;
    private Parameter biasIh;
    private Parameter biasHh;
    private final Workspace[] workspaces = new Workspace[MAX_WORKSPACES];
    private int nextWorkspace;
    private Workspace current;
    private boolean backpropagated;
    private double[] lastGradNorms = new double[0];
    private double[] lastFiniteGradNorms = new double[0];
    private boolean anyFiniteGradNorms;
    private List<Parameter> parameters = List.of();
    private double[] gradNormSums = new double[0];
    private long gradNormCount;
    private double gradNormMax;
    private NonFiniteEvent nonFinite;
    private Consumer<NonFiniteEvent> sentinel;

    protected RecurrentLayer(String name, String type, RecurrentConfig config, int gates) {
        super(name, type);
        this.config = requireNonNull(config, "config is null");
        this.gates = gates;
        this.hidden = config.hidden();
    }

    public RecurrentConfig config() {
        return config;
    }

    /** Gates in the parameter layout: 1 (RNN), 4 (LSTM: i, f, g, o) or 3 (GRU: r, z, n). */
    public int gates() {
        return gates;
    }

    /** The names of the gate blocks of {@code W_hh}, in layout order. */
    public abstract List<String> gateNames();

    public int steps() {
        return steps;
    }

    public int hidden() {
        return hidden;
    }

    public Parameter weightIh() {
        return weightIh;
    }

    public Parameter weightHh() {
        return weightHh;
    }

    public Parameter biasIh() {
        return biasIh;
    }

    public Parameter biasHh() {
        return biasHh;
    }

    /**
     * Truncated BPTT ({@code truncate} shorter than the sequence) deliberately drops the gradient that
     * crosses chunk boundaries, so it is not the derivative of the forward pass.
     */
    @Override
    public boolean exactGradient() {
        return config.truncate() == 0 || (steps > 0 && config.truncate() >= steps);
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    protected int onBuild(int inputWidth, BuildContext ctx) {
        int t = config.steps();
        int f = config.features();
        if (t == 0 && f == 0) {
            throw new GradlabException(GradlabException.Category.SPEC, "layer '" + name() + "' (" + type() + ") cannot split its "
                    + inputWidth + " input features into time steps: set steps (time steps per sample) or features (features per step);"
                    + " the rnn-net architecture sets steps from the data's time steps (e.g. fashion-mnist with time-steps: 28)");
        }
        if (t == 0) {
            t = inputWidth / f;
        } else if (f == 0) {
            f = inputWidth / t;
        }
        if ((long) t * f != inputWidth) {
            throw new GradlabException(GradlabException.Category.SPEC, "layer '" + name() + "' (" + type() + ") got " + inputWidth
                    + " input features, which is not " + config.steps() + " steps x " + config.features()
                    + " features; the input must be [batch, steps*features] with steps dividing the width (valid steps: "
                    + divisors(inputWidth) + ")");
        }
        this.steps = t;
        this.features = f;
        int gh = gates * hidden;
        weightIh = new Parameter("weight_ih", Parameter.Role.WEIGHT, Tensor.zeros(ctx.dtype(), gh, f));
        weightHh = new Parameter("weight_hh", Parameter.Role.WEIGHT, Tensor.zeros(ctx.dtype(), gh, hidden));
        biasIh = new Parameter("bias_ih", Parameter.Role.BIAS, Tensor.zeros(ctx.dtype(), gh));
        biasHh = new Parameter("bias_hh", Parameter.Role.BIAS, Tensor.zeros(ctx.dtype(), gh));
        ctx.initializeWeight(weightIh, new Fan(f, hidden, nonlinearity()));
        RandomSource random = ctx.random();
        Tensor whh = weightHh.value();
        for (int g = 0; g < gates; g++) {
            double[] block = config.recurrentInit().block(hidden, config.spectralRadius(), random.fork("w_hh-" + g));
            for (int i = 0; i < block.length; i++) {
                whh.set(g * hidden * hidden + i, block[i]);
            }
        }
        initializeBiases(biasIh.value(), biasHh.value());
        parameters = List.of(weightIh, weightHh, biasIh, biasHh);
        lastGradNorms = new double[t];
        lastFiniteGradNorms = new double[t];
        gradNormSums = new double[t];
        return config.returnSequences() ? t * hidden : hidden;
    }

    private static String divisors(int n) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (int d = 1; d <= n && shown < 12; d++) {
            if (n % d == 0) {
                sb.append(shown++ == 0 ? "" : ", ").append(d);
            }
        }
        return sb.toString();
    }

    /** The activation id for gain-aware input-weight initialisers. */
    protected String nonlinearity() {
        return "tanh";
    }

    /** Sets the biases after they were zeroed; nothing by default. */
    protected void initializeBiases(Tensor biasIh, Tensor biasHh) {}

    /** Width of the per-step saved values a cell needs for its backward pass. */
    protected abstract int savedWidth();

    /**
     * Whether the gradient of the recurrent pre-activations equals that of the input pre-activations
     * (true for RNN and LSTM, where both enter the same sum; false for the GRU's reset-gated n).
     */
    protected boolean recurrentGradientIsInputGradient() {
        return true;
    }

    /** Whether the cell carries a second state (LSTM: c) whose gradient flows between steps. */
    protected boolean hasCellState() {
        return false;
    }

    /**
     * Step t forward: {@code w.xp} row {@code b*T+t} holds {@code W_ih x_t + b_ih}, {@code w.hp} holds
     * {@code W_hh h_{t-1} + b_hh}; write {@code w.hs[t+1]} (h_t) and {@code w.saved[t]}.
     */
    protected abstract void stepForward(Workspace w, int t);

    /**
     * Step t backward: {@code dh} is dL/dh_t, {@code w.carry} dL/dc_t from later steps (LSTM). Write the
     * gradient of the input pre-activations into {@code w.dxp} row {@code b*T+t}, that of the
     * recurrent pre-activations into {@code w.dhp}, the direct part of dL/dh_{t-1} (not through
     * {@code W_hh}) into {@code dhPrevDirect} (overwrite; zeros for a cell without one) and
     * dL/dc_{t-1} into {@code w.carry}.
     */
    protected abstract void stepBackward(Workspace w, int t, Tensor dh, Tensor dhPrevDirect);

    /** Whether the state after step t is finite; records what was not. */
    protected NonFiniteEvent checkState(Workspace w, int t) {
        int bad = firstNonFinite(w.hs[t + 1]);
        return bad < 0 ? null : new NonFiniteEvent(name(), "forward", t, steps, "hidden state h_t", w.hs[t + 1].get(bad));
    }

    @Override
    protected void updateOutput(Tensor input, Tensor output, Mode mode) {
        Workspace w = workspace(input.rows());
        current = w;
        backpropagated = false;
        Tensor x = w.inputView(input, steps, features);
        ops.gemm(false, true, 1.0, x, weightIh.value(), 0.0, w.xp);
        ops.addRowVector(w.xp, biasIh.value());
        boolean checked = false;
        for (int t = 0; t < steps; t++) {
            if (t == 0) {
                w.hp.fill(0);
            } else {
                ops.gemm(false, true, 1.0, w.hs[t], weightHh.value(), 0.0, w.hp);
            }
            ops.addRowVector(w.hp, biasHh.value());
            if (t > 0) {
                scatterRows(w.hs[t], w.hPrev, t);
            }
            stepForward(w, t);
            if (!checked) {
                NonFiniteEvent event = checkState(w, t);
                if (event != null) {
                    checked = true;
                    noteNonFinite(event, mode == Mode.TRAIN);
                }
            }
        }
        if (config.returnSequences()) {
            for (int t = 0; t < steps; t++) {
                copyColumns(w.hs[t + 1], 0, output, t * hidden, hidden);
            }
        } else {
            output.copyFrom(w.hs[steps]);
        }
    }

    private void noteNonFinite(NonFiniteEvent event, boolean training) {
        if (nonFinite == null) {
            nonFinite = event;
        }
        if (training && sentinel != null) {
            sentinel.accept(event);
        }
    }

    @Override
    protected void updateGradInput(Tensor input, Tensor gradOutput, Tensor gradInput) {
        backpropagate(gradOutput);
        Workspace w = current;
        ops.gemm(false, false, 1.0, w.dxp, weightIh.value(), 0.0, w.gradInputView(gradInput, steps, features));
    }

    @Override
    protected void accGradParameters(Tensor input, Tensor gradOutput) {
        backpropagate(gradOutput);
        Workspace w = current;
        ops.gemm(true, false, 1.0, w.dxp, w.inputView(input, steps, features), 1.0, weightIh.grad());
        ops.sumRows(w.dxp, 1.0, biasIh.grad());
        backpropagated = false;
    }

    /** Backpropagation through time, once per backward pass: fills {@code dxp} and accumulates the W_hh and b_hh gradients. */
    private void backpropagate(Tensor gradOutput) {
        if (backpropagated) {
            return;
        }
        backpropagated = true;
        Workspace w = current;
        int k = config.truncate();
        Tensor dh = w.dh;
        Tensor dhPrev = w.dhPrev;
        dh.fill(0);
        w.carry.fill(0);
        boolean checked = false;
        for (int t = steps - 1; t >= 0; t--) {
            if (config.returnSequences()) {
                addColumns(gradOutput, t * hidden, dh, hidden);
            } else if (t == steps - 1) {
                dh.copyFrom(gradOutput);
            }
            double norm = ops.norm2(dh);
            lastGradNorms[t] = norm;
            if (norm > gradNormMax && Double.isFinite(norm)) {
                gradNormMax = norm;
            }
            if (!checked && !Double.isFinite(norm)) {
                checked = true;
                int bad = firstNonFinite(dh);
                noteNonFinite(new NonFiniteEvent(name(), "backward", t, steps, "gradient dL/dh_t", bad < 0 ? norm : dh.get(bad)), false);
            }
            stepBackward(w, t, dh, dhPrev);
            if (w.dhpAll != w.dxp) {
                scatterRows(w.dhp, w.dhpAll, t);
            }
            boolean cut = k > 0 && (steps - t) % k == 0;
            if (t > 0) {
                if (!cut) {
                    ops.gemm(false, false, 1.0, w.dhp, weightHh.value(), 1.0, dhPrev);
                    Tensor swap = dh;
                    dh = dhPrev;
                    dhPrev = swap;
                } else {
                    dh.fill(0);
                    w.carry.fill(0);
                }
            }
        }
        // all steps at once: dW_hh += sum_t dhp_t^T h_{t-1}, db_hh += sum_t dhp_t
        ops.gemm(true, false, 1.0, w.dhpAll, w.hPrev, 1.0, weightHh.grad());
        ops.sumRows(w.dhpAll, 1.0, biasHh.grad());
        boolean finite = true;
        for (int t = 0; t < steps; t++) {
            gradNormSums[t] += lastGradNorms[t];
            finite &= Double.isFinite(lastGradNorms[t]);
        }
        gradNormCount++;
        if (finite) {
            System.arraycopy(lastGradNorms, 0, lastFiniteGradNorms, 0, steps);
            anyFiniteGradNorms = true;
        }
    }

    /** ||dL/dh_t|| for every step t of the last backward pass. */
    public double[] lastGradientNorms() {
        return lastGradNorms.clone();
    }

    /**
     * ||dL/dh_t|| for every step t of the last backward pass in which all of them were finite (empty
     * before the first): the curve just before an explosion.
     */
    public double[] lastFiniteGradientNorms() {
        return anyFiniteGradNorms ? lastFiniteGradNorms.clone() : new double[0];
    }

    /** The largest finite ||dL/dh_t|| (any step t) since the last {@link #drainGradientNorms()}. */
    public double maxGradientNorm() {
        return gradNormMax;
    }

    /**
     * The mean of ||dL/dh_t|| over the backward passes since the last call (empty when there were none);
     * then starts over (the maximum too).
     */
    public double[] drainGradientNorms() {
        gradNormMax = 0;
        if (gradNormCount == 0) {
            return new double[0];
        }
        double[] mean = new double[steps];
        for (int t = 0; t < steps; t++) {
            mean[t] = gradNormSums[t] / gradNormCount;
        }
        Arrays.fill(gradNormSums, 0);
        gradNormCount = 0;
        return mean;
    }

    /** The first non-finite value seen since the last {@link #clearNonFinite()}, or {@code null}. */
    public NonFiniteEvent nonFinite() {
        return nonFinite;
    }

    public void clearNonFinite() {
        nonFinite = null;
    }

    /**
     * From now on, a training forward pass that produces a non-finite state hands it to
     * {@code sentinel} at once (the {@code recurrent} diagnostic throws there, stopping the run before
     * the loss turns NaN); {@code null} disarms.
     */
    void armSentinel(Consumer<NonFiniteEvent> sentinel) {
        this.sentinel = sentinel;
    }

    /** The index of the first non-finite element, or -1. */
    static int firstNonFinite(Tensor t) {
        if (t.dtype() == DType.F32) {
            float[] a = t.floats();
            for (int i = 0; i < a.length; i++) {
                if (!Float.isFinite(a[i])) {
                    return i;
                }
            }
        } else {
            double[] a = t.doubles();
            for (int i = 0; i < a.length; i++) {
                if (!Double.isFinite(a[i])) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Row b of {@code src [batch, cols]} into row {@code b*T+t} of {@code dst [batch*T, cols]}. */
    private void scatterRows(Tensor src, Tensor dst, int t) {
        int rows = src.rows();
        int cols = src.cols();
        if (src.dtype() == DType.F32) {
            for (int b = 0; b < rows; b++) {
                System.arraycopy(src.floats(), b * cols, dst.floats(), (b * steps + t) * cols, cols);
            }
        } else {
            for (int b = 0; b < rows; b++) {
                System.arraycopy(src.doubles(), b * cols, dst.doubles(), (b * steps + t) * cols, cols);
            }
        }
    }

    /** {@code dst[b, dstCol + j] = src[b, srcCol + j]} for j < width. */
    private static void copyColumns(Tensor src, int srcCol, Tensor dst, int dstCol, int width) {
        int rows = src.rows();
        int sc = src.cols();
        int dc = dst.cols();
        if (src.dtype() == DType.F32 && dst.dtype() == DType.F32) {
            for (int b = 0; b < rows; b++) {
                System.arraycopy(src.floats(), b * sc + srcCol, dst.floats(), b * dc + dstCol, width);
            }
        } else if (src.dtype() == DType.F64 && dst.dtype() == DType.F64) {
            for (int b = 0; b < rows; b++) {
                System.arraycopy(src.doubles(), b * sc + srcCol, dst.doubles(), b * dc + dstCol, width);
            }
        } else {
            for (int b = 0; b < rows; b++) {
                for (int j = 0; j < width; j++) {
                    dst.set(b * dc + dstCol + j, src.get(b * sc + srcCol + j));
                }
            }
        }
    }

    /** {@code dst[b, j] += src[b, srcCol + j]} for j < width. */
    private static void addColumns(Tensor src, int srcCol, Tensor dst, int width) {
        int rows = dst.rows();
        int sc = src.cols();
        int dc = dst.cols();
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < width; j++) {
                dst.set(b * dc + j, dst.get(b * dc + j) + src.get(b * sc + srcCol + j));
            }
        }
    }

    private Workspace workspace(int batch) {
        for (Workspace w : workspaces) {
            if (w != null && w.batch == batch) {
                return w;
            }
        }
        Workspace w = new Workspace(dtype, batch, steps, hidden, gates * hidden, savedWidth(), hasCellState() ? hidden : 1,
                recurrentGradientIsInputGradient());
        workspaces[nextWorkspace] = w;
        nextWorkspace = (nextWorkspace + 1) % workspaces.length;
        return w;
    }

    /** The per-batch-size buffers of the unrolled sequence. */
    protected static final class Workspace {
        final int batch;
        /** {@code hs[0]} is the zero initial state; {@code hs[t+1]} is h_t, {@code [batch, H]}. */
        final Tensor[] hs;
        /** What the cell saves at step t for its backward pass, {@code [batch, savedWidth]}. */
        final Tensor[] saved;
        /** Input projections {@code W_ih x_t + b_ih} of all steps, {@code [batch*T, G*H]}, row {@code b*T+t}. */
        final Tensor xp;
        /** Their gradients, same layout. */
        final Tensor dxp;
        /** The recurrent projection {@code W_hh h_{t-1} + b_hh} of the current step, {@code [batch, G*H]}. */
        final Tensor hp;
        /** Its gradient, {@code [batch, G*H]}. */
        final Tensor dhp;
        /** The gradients {@code dhp} of all steps, {@code [batch*T, G*H]} (the same tensor as {@code dxp} when they are equal). */
        final Tensor dhpAll;
        /** h_{t-1} for every step, {@code [batch*T, H]}, row {@code b*T+t} (zero for t = 0). */
        final Tensor hPrev;
        final Tensor dh;
        final Tensor dhPrev;
        /** dL/dc (LSTM), {@code [batch, H]}. */
        final Tensor carry;
        private Tensor inputRef;
        private Tensor inputView;
        private Tensor gradInputRef;
        private Tensor gradInputView;

        Workspace(DType dtype, int batch, int steps, int hidden, int gateWidth, int savedWidth, int carryWidth, boolean sharedGradient) {
            this.batch = batch;
            this.hs = new Tensor[steps + 1];
            for (int t = 0; t <= steps; t++) {
                hs[t] = Tensor.zeros(dtype, batch, hidden);
            }
            this.saved = new Tensor[steps];
            for (int t = 0; t < steps; t++) {
                saved[t] = Tensor.zeros(dtype, batch, Math.max(savedWidth, 1));
            }
            this.xp = Tensor.zeros(dtype, batch * steps, gateWidth);
            this.dxp = Tensor.zeros(dtype, batch * steps, gateWidth);
            this.hp = Tensor.zeros(dtype, batch, gateWidth);
            this.dhp = Tensor.zeros(dtype, batch, gateWidth);
            this.dhpAll = sharedGradient ? dxp : Tensor.zeros(dtype, batch * steps, gateWidth);
            this.hPrev = Tensor.zeros(dtype, batch * steps, hidden);
            this.dh = Tensor.zeros(dtype, batch, hidden);
            this.dhPrev = Tensor.zeros(dtype, batch, hidden);
            this.carry = Tensor.zeros(dtype, batch, carryWidth);
        }

        /** The input {@code [batch, T*F]} seen as {@code [batch*T, F]} (cached: no allocation for the same buffer). */
        Tensor inputView(Tensor input, int steps, int features) {
            if (input != inputRef) {
                inputRef = input;
                inputView = input.reshape(batch * steps, features);
            }
            return inputView;
        }

        Tensor gradInputView(Tensor gradInput, int steps, int features) {
            if (gradInput != gradInputRef) {
                gradInputRef = gradInput;
                gradInputView = gradInput.reshape(batch * steps, features);
            }
            return gradInputView;
        }
    }
}
